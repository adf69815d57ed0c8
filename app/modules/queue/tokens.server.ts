/**
 * The two secret addresses of the queue, both signed with the server's secret and bound to one
 * clinic, so a link of clinic A opens nothing on clinic B's host:
 * - the patient's self check-in link, one per appointment: `/check-in/{appointmentId}.{mac}`;
 * - the waiting-room board of one location: `/board/{mac}`, derived from the location's board
 *   version, so rotating the link (bumping the version) retires the old one at once.
 * Nothing secret is stored in the database.
 */
import { hmacHex, sameDigest } from "~/modules/auth/tokens.server";
import { clinicSiteOrigin, type PublicUrlEnv } from "~/utils/public-urls.server";
import { getEnv } from "~/utils/env.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHECK_IN_MAC = 32;
const BOARD_MAC = 40;

function checkInMac(clinicId: string, appointmentId: string) {
  return hmacHex("queue.check_in", `${clinicId}:${appointmentId}`).slice(0, CHECK_IN_MAC);
}

export function checkInToken(clinicId: string, appointmentId: string): string {
  return `${appointmentId}.${checkInMac(clinicId, appointmentId)}`;
}

/** The appointment a check-in token names, or null when it is not this clinic's or was altered. */
export function readCheckInToken(clinicId: string, token: string | undefined | null): string | null {
  if (!token || token.length > 100) return null;
  const [appointmentId, mac, extra] = token.toLowerCase().split(".");
  if (extra !== undefined || !appointmentId || !mac || !UUID.test(appointmentId) || !/^[0-9a-f]+$/.test(mac) || mac.length !== CHECK_IN_MAC) return null;
  return sameDigest(mac, checkInMac(clinicId, appointmentId)) ? appointmentId : null;
}

/** The full address of a visit's self check-in page, for messages and QR codes. */
export function checkInUrl(clinic: { id: string; slug: string }, appointmentId: string, env: PublicUrlEnv = getEnv()): string {
  return `${clinicSiteOrigin(clinic.slug, env)}/check-in/${checkInToken(clinic.id, appointmentId)}`;
}

export function boardToken(clinicId: string, locationId: string, version: number): string {
  return hmacHex("queue.board", `${clinicId}:${locationId}:${version}`).slice(0, BOARD_MAC);
}

/** Which of the clinic's locations a board token opens (a clinic has a handful, so each is tried). */
export function matchBoardToken(clinicId: string, token: string | undefined | null, locations: readonly { id: string; queueBoardVersion: number }[]): string | null {
  if (!token || token.length !== BOARD_MAC || !/^[0-9a-f]+$/.test(token)) return null;
  let found: string | null = null;
  for (const l of locations) if (sameDigest(token, boardToken(clinicId, l.id, l.queueBoardVersion))) found = l.id;
  return found;
}
