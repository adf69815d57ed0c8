/**
 * First available times for the booking page's filters (a fetcher): JSON of the next free times
 * of a service, across doctors or for one doctor, location or part of the day. The page's own GET
 * form gives the same list without script.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/guards.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { firstAvailable, firstAvailableQuery, type FirstAvailable } from "~/modules/front-desk/first-available.server";
import { firstMessage } from "~/lib/form-errors";

export type FreeTimesAnswer = { ok: true; first: FirstAvailable } | { ok: false; message: string };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<FreeTimesAnswer> {
  const { clinic, db } = await requireStaff(request, context, "book");
  const parsed = firstAvailableQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return { ok: false, message: firstMessage(parsed.error, "Choose a service.") };
  const names = await db.tx((tx) => deskResources(tx, clinic.id));
  const first = await firstAvailable(db, clinic, parsed.data, names);
  return first ? { ok: true, first } : { ok: false, message: "This service cannot be booked at this clinic." };
}
