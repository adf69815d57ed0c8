/**
 * What the patient has chosen so far, carried in the address of every booking step so each step
 * works as a plain link or form without client JavaScript. One schema for loaders and links.
 */
import { z } from "zod";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar date, not just the shape of one (2026-02-30 is refused). */
function isRealDate(value: string): boolean {
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

const id = z.string().regex(UUID);

export const choiceSchema = z.object({
  service: id.optional(),
  location: id.optional(),
  doctor: z.union([z.literal("any"), id]).optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(isRealDate)
    .optional(),
});

export type Choice = z.infer<typeof choiceSchema>;

/** The choice in a query string; a malformed one is null (the caller starts over). */
export function parseChoice(params: URLSearchParams): Choice | null {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(choiceSchema.shape)) {
    const value = params.get(key);
    if (value) raw[key] = value;
  }
  const parsed = choiceSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function choiceQuery(choice: Choice & { hold?: string }): string {
  const params = new URLSearchParams();
  for (const key of ["hold", "service", "location", "doctor", "month", "day"] as const) {
    const value = choice[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

export function bookHref(choice: Choice): string {
  return `/book${choiceQuery(choice)}`;
}

export const holdForm = z.object({
  start: z.iso.datetime({ offset: true }),
  practitioner: id,
});

export const confirmForm = z.object({
  /** "add-dependent" only adds the person typed in and shows the review again; otherwise confirm. */
  intent: z.enum(["confirm", "add-dependent"]).default("confirm"),
  hold: id,
  /** "self", a dependent's id, or "new" for the person typed into the add form. */
  visitFor: z.union([z.literal("self"), z.literal("new"), id]),
  note: z.string().trim().max(500).optional(),
});
