import { recordAudit } from "~/modules/audit/audit.server";
import type { Db } from "~/utils/db.server";
import { scopeFor, type RequestMeta, type SessionHost } from "./session.server";

export type SignedOutSubject = { kind: "patient"; patientAccountId: string } | { kind: "staff"; staffUserId: string } | { kind: "anonymous" };

/** Ends one session on this host; the end of a real session is audited with it, in one transaction. */
export async function signOut(db: Db, host: SessionHost, input: { sessionId: string; subject: SignedOutSubject }, meta: RequestMeta): Promise<boolean> {
  return scopeFor(db, host).tx(async (tx) => {
    const deleted = await tx.session.deleteMany({ where: { id: input.sessionId } });
    if (deleted.count === 0 || input.subject.kind === "anonymous") return deleted.count > 0;
    const request = { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId ?? null };
    if (input.subject.kind === "patient") {
      const id = input.subject.patientAccountId;
      await recordAudit(tx, { clinicId: host.clinicId, actor: { type: "patient", id }, action: "patient.sign_out", target: { type: "patient_account", id }, request });
    } else {
      const id = input.subject.staffUserId;
      await recordAudit(tx, { clinicId: host.clinicId, actor: { type: host.clinicId ? "staff" : "operator", id }, action: "staff.sign_out", target: { type: "staff_user", id }, request });
    }
    return true;
  });
}
