/**
 * Why a suspended clinic is suspended, for the banner on its staff panel: the operator's reason
 * and when, read from the clinic's own audit log, where the decision was recorded.
 */
import { formatDateTime } from "~/lib/format";
import type { ClinicDb } from "~/utils/db.server";

export interface SuspensionNotice {
  since: string;
  reason: string | null;
}

export async function suspensionNotice(db: ClinicDb, clinic: { id: string; timeZone: string; status: string }): Promise<SuspensionNotice | null> {
  if (clinic.status !== "suspended") return null;
  const decision = await db.tx((tx) => tx.auditEvent.findFirst({ where: { clinicId: clinic.id, action: "clinic.suspended" }, orderBy: { occurredAt: "desc" }, select: { occurredAt: true, details: true } }));
  const details = decision?.details as { reason?: unknown } | undefined;
  return {
    since: decision ? formatDateTime(decision.occurredAt, clinic.timeZone) : "",
    reason: typeof details?.reason === "string" && details.reason.trim() ? details.reason.trim() : null,
  };
}
