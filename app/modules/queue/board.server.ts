/**
 * The clinic's locations as the queue sees them, with each waiting-room board's secret link, and
 * rotating that link when it leaked (a photo of the TV, a former employee).
 */
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActorOf, type Actor } from "~/lib/actor";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { notifyQueue } from "./hub.server";
import { boardToken, matchBoardToken } from "./tokens.server";

export interface QueueLocation {
  id: string;
  name: string;
  boardToken: string;
}

export async function queueLocations(db: ClinicDb): Promise<QueueLocation[]> {
  const clinicId = db.clinicId;
  const rows = await db.tx((tx) => tx.location.findMany({ where: { clinicId }, orderBy: [{ key: "asc" }, { id: "asc" }], select: { id: true, name: true, queueBoardVersion: true } }));
  return rows.map((l) => ({ id: l.id, name: l.name, boardToken: boardToken(clinicId, l.id, l.queueBoardVersion) }));
}

/** The location a board link opens on this clinic's host, or null. */
export async function findBoard(db: ClinicDb, token: string | undefined): Promise<{ id: string; name: string } | null> {
  if (!token) return null;
  const clinicId = db.clinicId;
  const rows = await db.tx((tx) => tx.location.findMany({ where: { clinicId }, select: { id: true, name: true, queueBoardVersion: true } }));
  const id = matchBoardToken(clinicId, token, rows);
  const found = rows.find((r) => r.id === id);
  return found ? { id: found.id, name: found.name } : null;
}

/** A new board link for the location; the old one stops working (open boards are told to reload). */
export async function rotateBoard(db: ClinicDb, locationId: string, actor: Actor): Promise<string> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const found = await tx.location.findFirst({ where: { clinicId, id: locationId }, select: { id: true } });
    if (!found) throw new NotFoundError("There is no location with this id at this clinic.");
    const updated = await tx.location.update({ where: { clinicId_id: { clinicId, id: locationId } }, data: { queueBoardVersion: { increment: 1 } }, select: { queueBoardVersion: true } });
    await recordAudit(tx, { clinicId, actor: auditActorOf(actor), action: "queue.board_link_rotated", target: { type: "location", id: locationId }, request: actor.request ?? null });
    await notifyQueue(tx, { clinicId, locationId, kind: "board" });
    return boardToken(clinicId, locationId, updated.queueBoardVersion);
  });
}
