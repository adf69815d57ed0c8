/**
 * One shape for the answers of the owner's setup forms, so every page shows a message next to the
 * field that needs it and a line at the top, and never a 500 for a rule the owner broke.
 */
import { data } from "@remix-run/node";
import type { z } from "zod";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "~/utils/errors.server";

export interface SetupAnswer {
  intent: string;
  ok: boolean;
  message: string;
  /** Field name → message. */
  errors: Record<string, string>;
  /** Extra data for the page (e.g. a new API key, shown once). */
  extra?: Record<string, string>;
}

export function done(intent: string, message: string, extra?: Record<string, string>) {
  return data<SetupAnswer>({ intent, ok: true, message, errors: {}, extra });
}

export function refused(intent: string, message: string, errors: Record<string, string> = {}, status = 422) {
  return data<SetupAnswer>({ intent, ok: false, message, errors }, { status });
}

/** zod issues as field messages (first message per field; nested paths joined with dots). */
export function zodFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

/** Turns a domain error into the form's answer; anything else is not ours to explain and is rethrown. */
export function answerFromError(intent: string, error: unknown) {
  if (error instanceof ValidationError) {
    const errors: Record<string, string> = {};
    for (const e of error.errors) errors[e.path] ??= e.message;
    return refused(intent, error.detail, errors, 422);
  }
  if (error instanceof NotFoundError) return refused(intent, error.detail, {}, 404);
  if (error instanceof ConflictError) return refused(intent, error.detail, {}, 409);
  if (error instanceof DomainError) return refused(intent, error.detail, {}, error.status);
  throw error;
}
