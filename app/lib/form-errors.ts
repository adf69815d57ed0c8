/**
 * Field errors in one shape for every HTML form: the first message per field, keyed by the
 * field's name (the first segment of the issue's path; "form" for an issue about the whole form),
 * shown beside the input it names. API answers use problem documents instead
 * (utils/problem.server.ts).
 */
import type { z } from "zod";

/** Messages by field name; with named fields, each is optional. */
export type FieldErrors<K extends string = string> = string extends K ? Record<string, string> : Partial<Record<K, string>>;

/** The first message per field. */
export function fieldErrorsOf(error: z.core.$ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}

/** The first message of all, for a form that answers in one line. */
export function firstMessage(error: z.core.$ZodError, fallback = "Check the form and try again."): string {
  return error.issues[0]?.message ?? fallback;
}
