/**
 * Field errors in one shape for every HTML form: the first message per field, keyed by the
 * field's name (the first segment of the issue's path; "form" for an issue about the whole form),
 * shown beside the input it names. API answers use problem documents instead
 * (utils/problem.server.ts).
 */
import type { z } from "zod";

/** Messages by field name; with named fields, each is optional. */
export type FieldErrors<K extends string = string> = string extends K ? Record<string, string> : Partial<Record<K, string>>;

/**
 * The first message per field. `keyOf` names the key a field's message goes under, for a row of a
 * repeated section ("discount.2.percent").
 */
export function fieldErrorsOf(error: z.core.$ZodError, keyOf: (field: string) => string = (field) => field): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[keyOf(String(issue.path[0] ?? "form"))] ??= issue.message;
  return out;
}

/**
 * The first message per full path ("openingHours.mon.1"), for a form whose editor shows messages
 * on nested rows. The same as fieldErrorsOf for a flat form.
 */
export function nestedFieldErrorsOf(error: z.core.$ZodError): Record<string, string> {
  return fieldErrorsFromList(error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === "symbol" ? (p.description ?? "") : String(p))).join("."), message: issue.message })));
}

/**
 * A domain error's field list (ValidationError's `errors`, the same list an API problem document
 * carries) as field errors for a page: the first message per path, "form" for the whole form.
 */
export function fieldErrorsFromList(list: readonly { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of list) out[path || "form"] ??= message;
  return out;
}

/** Adds `more` to `errors`; a field that already has a message keeps it. */
export function addFieldErrors(errors: Record<string, string>, more: Record<string, string>): Record<string, string> {
  for (const [field, message] of Object.entries(more)) errors[field] ??= message;
  return errors;
}

/** The first problem of all, with the field it names ("form" for the whole form), for a form that answers in one line. */
export function firstFieldError(error: z.core.$ZodError, fallback = "Check the form and try again."): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: String(issue?.path[0] ?? "form"), message: issue?.message ?? fallback };
}

/** The first message of all, for a form that answers in one line. */
export function firstMessage(error: z.core.$ZodError, fallback = "Check the form and try again."): string {
  return error.issues[0]?.message ?? fallback;
}
