/** A change step's address, checked on the server; kept out of change-links.ts, which the page loads in the browser. */
import { z } from "zod";
import { CHANGE_QUERY_KEYS, type ChangeQuery } from "./change-links";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = z.string().regex(UUID);

// Every key of the address is checked, and what passes is a ChangeQuery.
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
}) satisfies z.ZodType<ChangeQuery> & { shape: Record<(typeof CHANGE_QUERY_KEYS)[number], unknown> };

/** The query string of a step; a malformed one is null (the caller starts the change over). */
export function parseChangeQuery(params: URLSearchParams): ChangeQuery | null {
  const raw: Record<string, string> = {};
  for (const key of CHANGE_QUERY_KEYS) {
    const value = params.get(key);
    if (value) raw[key] = value;
  }
  const parsed = changeQuerySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
