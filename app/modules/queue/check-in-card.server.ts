/**
 * The "check in on arrival" box of a visit's pages (the patient's appointment page and the booking
 * receipt): the self check-in link and its QR code, while the visit is still ahead or under way.
 */
import type { ClinicDb } from "~/utils/db.server";
import { qrSvg } from "./qr.server";
import { checkInToken, checkInUrl } from "./tokens.server";
import { statusIs } from "~/lib/appointment-status";

export interface CheckInCard {
  url: string;
  path: string;
  svg: string;
}


export async function checkInCard(db: ClinicDb, clinic: { id: string; slug: string }, appointmentId: string, now = new Date()): Promise<CheckInCard | null> {
  const a = await db.tx((tx) => tx.appointment.findFirst({ where: { clinicId: clinic.id, id: appointmentId }, select: { status: true, endsAt: true } }));
  if (!a || !statusIs(a.status, "atTheClinic") || a.endsAt.getTime() <= now.getTime()) return null;
  const url = checkInUrl(clinic, appointmentId);
  return { url, path: `/check-in/${checkInToken(clinic.id, appointmentId)}`, svg: await qrSvg(url) };
}
