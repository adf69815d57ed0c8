/**
 * The change page's address: where the patient is in moving a visit (doctor, month, day, the held
 * time, a notice), so every step is a plain link or form. Shared by the server and the page.
 */
import { z } from "zod";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = z.string().regex(UUID);

/** Where the patient is in the change: carried in the address so every step works without JavaScript. */
export const changeQuerySchema = z.object({
  doctor: z.union([z.literal("any"), id]).optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine((d) => {
      const at = new Date(`${d}T00:00:00Z`);
      return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
    })
    .optional(),
  hold: id.optional(),
  notice: z.enum(["taken", "expired", "invalid"]).optional(),
});
export type ChangeQuery = z.infer<typeof changeQuerySchema>;

/** The query string of a step; a malformed one is null (the caller starts the change over). */
export function parseChangeQuery(params: URLSearchParams): ChangeQuery | null {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(changeQuerySchema.shape)) {
    const value = params.get(key);
    if (value) raw[key] = value;
  }
  const parsed = changeQuerySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function changeHref(appointmentId: string, q: ChangeQuery = {}): string {
  const params = new URLSearchParams();
  for (const key of ["doctor", "month", "day", "hold", "notice"] as const) {
    const value = q[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/account/appointments/${appointmentId}/change${query ? `?${query}` : ""}`;
}

export const NOTICES: Record<NonNullable<ChangeQuery["notice"]>, string> = {
  taken: "Sorry, someone just took that time. Here are the times still free.",
  expired: "We held that time for 10 minutes and the hold ran out, so it was released. Your visit has not changed; please choose a time again.",
  invalid: "That time can no longer be booked. Your visit has not changed; here are the times still free.",
};

