/**
 * One shape for the answers of the owner's setup forms, so every page shows a message next to the
 * field that needs it and a line at the top, and never a 500 for a rule the owner broke.
 */
import { data } from "@remix-run/node";
import { fieldErrorsFromList, type FieldErrors } from "~/lib/form-errors";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "~/utils/errors.server";

export interface SetupAnswer {
  intent: string;
  ok: boolean;
  message: string;
  /** Field name (a dotted path for nested rows) → message. */
  errors: FieldErrors;
  /** Extra data for the page (e.g. a new API key, shown once). */
  extra?: Record<string, string>;
}

export function done(intent: string, message: string, extra?: Record<string, string>) {
  return data<SetupAnswer>({ intent, ok: true, message, errors: {}, extra });
}

export function refused(intent: string, message: string, errors: FieldErrors = {}, status = 422) {
  return data<SetupAnswer>({ intent, ok: false, message, errors }, { status });
}

/** Turns a domain error into the form's answer; anything else is not ours to explain and is rethrown. */
export function answerFromError(intent: string, error: unknown) {
  if (error instanceof ValidationError) return refused(intent, error.detail, fieldErrorsFromList(error.errors), 422);
  if (error instanceof NotFoundError) return refused(intent, error.detail, {}, 404);
  if (error instanceof ConflictError) return refused(intent, error.detail, {}, 409);
  if (error instanceof DomainError) return refused(intent, error.detail, {}, error.status);
  throw error;
}
