/**
 * What a patient's check-in link may follow live: its location's queue, while the visit is still
 * on today (the clinic's local day) and not cancelled or over. A link from an old confirmation
 * message keeps opening its page, but not a stream that would hold a connection for nothing.
 */
import type { ClinicDb } from "~/utils/db.server";
import { utcToZoned } from "~/lib/zoned-time";
import { readCheckInToken } from "./tokens.server";
import { statusIs } from "~/lib/appointment-status";


export type CheckInStream =
  | { kind: "open"; appointmentId: string; locationId: string }
  | { kind: "not-found" }
  | { kind: "over"; message: string };

export async function checkInStream(db: ClinicDb, clinic: { id: string; timeZone: string }, token: string | undefined, now = new Date()): Promise<CheckInStream> {
  const appointmentId = readCheckInToken(clinic.id, token);
  if (!appointmentId) return { kind: "not-found" };
  const visit = await db.tx((tx) => tx.appointment.findFirst({ where: { clinicId: clinic.id, id: appointmentId }, select: { locationId: true, status: true, startsAt: true } }));
  if (!visit) return { kind: "not-found" };
  if (visit.status === "cancelled") return { kind: "over", message: "This visit was cancelled, so there is no queue to follow." };
  if (!statusIs(visit.status, "atTheClinic")) return { kind: "over", message: "This visit is over, so there is no queue to follow." };
  if (utcToZoned(visit.startsAt, clinic.timeZone).date !== utcToZoned(now, clinic.timeZone).date) {
    return { kind: "over", message: "The live queue opens on the day of the visit; this visit is not today." };
  }
  return { kind: "open", appointmentId, locationId: visit.locationId };
}
