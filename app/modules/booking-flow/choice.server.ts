/**
 * The booking steps' input, checked on the server: the choice in a step's address and the forms
 * that hold a time and confirm a booking. Kept out of choice.ts, which the pages load in the browser.
 */
import { z } from "zod";
import { CHOICE_KEYS, VISIT_NOTE_MAX, type Choice } from "./choice";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar date, not just the shape of one (2026-02-30 is refused). */
function isRealDate(value: string): boolean {
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

const id = z.string().regex(UUID);

// Every key of a choice is checked, and what passes is a Choice.
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
  for: id.optional(),
}) satisfies z.ZodType<Choice> & { shape: Record<(typeof CHOICE_KEYS)[number], unknown> };

/** The choice in a query string; a malformed one is null (the caller starts over). */
export function parseChoice(params: URLSearchParams): Choice | null {
  const raw: Record<string, string> = {};
  for (const key of CHOICE_KEYS) {
    const value = params.get(key);
    if (value) raw[key] = value;
  }
  const parsed = choiceSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export const holdForm = z.object({
  start: z.iso.datetime({ offset: true }),
  practitioner: id,
});

/** The longest reason a service may list (services/service-form.ts keeps the list that short). */
const VISIT_REASON_MAX = 60;

export const confirmForm = z.object({
  /** "add-dependent" only adds the person typed in and shows the review again; otherwise confirm. */
  intent: z.enum(["confirm", "add-dependent"]).default("confirm"),
  hold: id,
  /** "self", a dependent's id, or "new" for the person typed into the add form. */
  visitFor: z.union([z.literal("self"), z.literal("new"), id]),
  note: z.string().trim().max(VISIT_NOTE_MAX, `Keep what the clinic should know under ${VISIT_NOTE_MAX} characters.`).optional(),
  /** One of the service's reasons for a visit, or none; the list itself is checked when booking. */
  visitReason: z.string().trim().max(VISIT_REASON_MAX, "Choose one of the reasons listed for this visit, or none of them.").optional(),
});
