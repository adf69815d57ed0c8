/**
 * The front desk's list of one day's visits: who comes when, to whom, and where each deposit
 * stands (cards are the patient's own and stay out of it), with a visit whose card failed flagged. Marking a no-show and waiving a deposit start here.
 * Reading it is a view of patient data, so it is written to the audit log.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { formatMoney, formatTime } from "~/lib/format";
import { waiveDeposit } from "~/modules/payments/deposits.server";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { settleNow } from "~/modules/payments/settle-now.server";
import type { Actor } from "~/lib/actor";
import { transitionAppointment } from "~/modules/scheduling/appointment-changes.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, zonedToUtc, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { ON_THE_DIARY } from "~/lib/appointment-status";
import { deskCounts, isCardProblem, type DeskCounts } from "~/modules/reports/desk-counts.server";

const SHOWN: string[] = [...ON_THE_DIARY, "cancelled"];

const DEPOSIT_WORDS: Record<string, { words: string; tone: "good" | "warn" | "muted" | "neutral" }> = {
  pending: { words: "Card saved", tone: "neutral" },
  authorized: { words: "Deposit held", tone: "good" },
  captured: { words: "Deposit charged", tone: "good" },
  released: { words: "Deposit released", tone: "muted" },
  refunded: { words: "Deposit refunded", tone: "muted" },
  waived: { words: "Deposit waived", tone: "muted" },
  failed: { words: "Card problem", tone: "warn" },
};

export interface DeskVisit {
  id: string;
  time: string;
  status: string;
  patientName: string;
  serviceName: string;
  doctorName: string;
  deposit: { words: string; tone: "good" | "warn" | "muted" | "neutral"; amount: string; problem: string | null; waivable: boolean } | null;
  /** A card problem by the desk numbers' rule (a failed deposit on a visit still to happen). */
  cardProblem: boolean;
  canMarkNoShow: boolean;
}

export const dayParam = z
  .string()
  .regex(LOCAL_DATE_PATTERN)
  .optional();

export async function visitsOfDay(db: ClinicDb, clinic: ClinicRef, day: LocalDate | undefined, actor: Actor, now = new Date()): Promise<{ day: LocalDate; previous: LocalDate; next: LocalDate; visits: DeskVisit[]; counts: DeskCounts }> {
  const date = day ?? utcToZoned(now, clinic.timeZone).date;
  const from = zonedToUtc(date, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(date, 1), 0, clinic.timeZone);
  const { rows, counts } = await db.tx(async (tx) => {
    const found = await tx.$queryRaw<
      {
        id: string;
        status: string;
        starts_at: Date;
        first_name: string | null;
        last_name: string | null;
        dep_first: string | null;
        dep_last: string | null;
        service_name: string;
        doctor_name: string | null;
        deposit_status: string | null;
        amount_minor: number | null;
        currency: string;
        failure_message: string | null;
        payment_status: string;
      }[]
    >`
      SELECT a.id::text, a.status::text, a.starts_at, p.first_name, p.last_name, d.first_name AS dep_first, d.last_name AS dep_last,
             s.name AS service_name, u.name AS doctor_name, dp.status::text AS deposit_status, dp.amount_minor, a.currency,
             dp.failure_message, a.payment_status::text
        FROM appointments a
        JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
        LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
        LEFT JOIN dependents d ON d.id = a.dependent_id
        LEFT JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id
        LEFT JOIN staff_users u ON u.id = m.staff_user_id
        LEFT JOIN deposits dp ON dp.clinic_id = a.clinic_id AND dp.appointment_id = a.id
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.starts_at >= ${from} AND a.starts_at < ${to}
         AND a.status::text = ANY (${SHOWN})
       ORDER BY a.starts_at, a.id`;
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "staff.day_list_viewed", target: { type: "day", id: date }, request: actor.request ?? null, details: { visits: found.length } });
    return { rows: found, counts: await deskCounts(tx, clinic, now) };
  });
  const name = (first: string | null, last: string | null) => [first, last].filter(Boolean).join(" ");
  return {
    day: date,
    previous: addDays(date, -1),
    next: addDays(date, 1),
    counts,
    visits: rows.map((r) => {
      const words = r.deposit_status ? DEPOSIT_WORDS[r.deposit_status] : undefined;
      return {
        id: r.id,
        time: formatTime(r.starts_at, clinic.timeZone),
        status: r.status,
        patientName: r.dep_first ? `${name(r.dep_first, r.dep_last)} (for ${name(r.first_name, r.last_name) || "the account holder"})` : name(r.first_name, r.last_name) || "Patient",
        serviceName: r.service_name,
        doctorName: r.doctor_name ?? "",
        deposit:
          words && r.amount_minor !== null
            ? {
                ...words,
                amount: formatMoney(r.amount_minor, r.currency),
                problem: r.deposit_status === "failed" ? r.failure_message : null,
                waivable: ["pending", "authorized", "captured", "failed"].includes(r.deposit_status!),
              }
            : null,
        cardProblem: isCardProblem(r.status, r.payment_status),
        canMarkNoShow: r.status === "confirmed" && r.starts_at.getTime() <= now.getTime(),
      };
    }),
  };
}

export const deskActionForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("no-show"), appointmentId: z.string().uuid() }),
  z.object({ intent: z.literal("waive"), appointmentId: z.string().uuid(), reason: z.string().trim().min(3, "Say why the deposit is waived (at least 3 characters).").max(500) }),
]);

export type DeskAnswer = { ok: true; message: string } | { ok: false; message: string; appointmentId?: string };

/** The patient did not come: the visit is marked missed and its deposit taken at once. */
export async function markNoShow(db: ClinicDb, clinic: ClinicRef, appointmentId: string, actor: Actor, now = new Date()): Promise<DeskAnswer> {
  try {
    await db.tx((tx) => transitionAppointment(tx, clinic, { appointmentId, transition: "no_show" }, actor, now));
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError) return { ok: false, message: error.message, appointmentId };
    throw error;
  }
  await settleNow(db, appointmentId);
  return { ok: true, message: "Marked as missed. A deposit held for this visit is charged." };
}

export async function waiveVisitDeposit(db: ClinicDb, clinic: ClinicRef, appointmentId: string, reason: string, actor: Actor): Promise<DeskAnswer> {
  try {
    const outcome = await waiveDeposit(db, getPaymentProvider(), { appointmentId, reason }, actor);
    return { ok: true, message: outcome.action === "refunded" ? "Deposit waived and refunded to the patient's card." : "Deposit waived: nothing will be charged." };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError) return { ok: false, message: error.message, appointmentId };
    throw error;
  }
}
