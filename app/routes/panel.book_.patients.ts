/**
 * The desk's caller search as the booking page types (a fetcher, debounced): JSON of the clinic's
 * patients matching a phone, a name or a date of birth. The page's own GET form does the same
 * search without script.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/guards.server";
import { patientSearchQuery, searchCallers, type CallerSearch, type PhonePatient } from "~/modules/front-desk/phone-booking.server";
import { firstMessage } from "~/lib/form-errors";

export interface CallerSearchAnswer {
  text: string;
  error: string | null;
  dateOfBirth: CallerSearch["dateOfBirth"];
  results: PhonePatient[];
}

export async function loader({ request, context }: LoaderFunctionArgs): Promise<CallerSearchAnswer> {
  const { actor, clinic, db } = await requireStaff(request, context, "book");
  const raw = new URL(request.url).searchParams.get("q") ?? "";
  const text = patientSearchQuery.safeParse(raw);
  if (!text.success) return { text: raw.slice(0, 80), error: firstMessage(text.error, "Check the search."), dateOfBirth: null, results: [] };
  const found = await searchCallers(db, clinic, text.data, actor);
  return { text: text.data, error: null, dateOfBirth: found.search.dateOfBirth, results: found.patients };
}
