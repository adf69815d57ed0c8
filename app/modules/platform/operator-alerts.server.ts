import { recordAudit } from "~/modules/audit/audit.server";
import type { Db } from "~/utils/db.server";
import { log } from "~/utils/log.server";

/**
 * Alerts for the platform operator: an error-level log line (what monitoring pages on) and an
 * "operator.alert" row in the platform's own audit log, so the alert outlives the log's retention.
 * One alert per key an hour: a limit hit by a flood is one alert, not one per refused request;
 * the repeats are logged at warn level.
 */

export const ALERT_REPEAT_MS = 60 * 60_000;

export interface OperatorAlert {
  /** What the alert is about, stable across repeats, e.g. "sms-budget:platform". */
  key: string;
  message: string;
  details: Record<string, string | number | boolean | null>;
}

/** Raises the alert unless the same key was raised within the hour; says whether it did. */
export async function alertOperator(db: Db, alert: OperatorAlert, now = new Date()): Promise<boolean> {
  const raised = await db.forPlatform().tx(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`operator-alert:${alert.key}`}))`;
    const recent = await tx.auditEvent.findFirst({
      where: { clinicId: null, action: "operator.alert", occurredAt: { gt: new Date(now.getTime() - ALERT_REPEAT_MS) }, details: { path: ["key"], equals: alert.key } },
      select: { id: true },
    });
    if (recent) return false;
    await recordAudit(tx, { clinicId: null, actor: { type: "system" }, action: "operator.alert", details: { key: alert.key, message: alert.message, ...alert.details } });
    return true;
  });
  if (raised) log.error(alert.message, { alert: alert.key, operatorAlert: true, ...alert.details });
  else log.warn(alert.message, { alert: alert.key, repeat: true, ...alert.details });
  return raised;
}
