/**
 * A clinic for the records tests: the panel fixture's staff, a patient of the first doctor (with a
 * completed visit and a dependent seen by the same doctor), a patient of the other doctor only, and
 * a platform operator signed in on the admin host.
 */
import { randomBytes } from "node:crypto";
import { createSession } from "~/modules/auth/session.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { testDb } from "./db";
import { createPanelFixture, staffCookie, type PanelFixture } from "./panel-client";
import { fictitiousPhone } from "./scheduling";

export interface RecordsFixture extends PanelFixture {
  /** The first doctor's patient (account holder). */
  mine: string;
  /** Dependent of `mine`, also seen by the first doctor. */
  child: string;
  /** The other doctor's patient only. */
  theirs: string;
  visits: { mine: string; child: string; theirs: string };
  patientCookie(patientAccountId: string): Promise<string>;
}

let slot = 0;

/** An appointment in the past (completed) or future, on distinct times so no constraint trips. */
export async function addVisit(f: PanelFixture, opts: { doctorId: string; patientAccountId: string; dependentId?: string | null; status?: "completed" | "confirmed" | "cancelled"; startsAt?: Date }) {
  const startsAt = opts.startsAt ?? new Date(Date.now() - (10 + slot++) * 86_400_000);
  const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
  return testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      const a = await tx.appointment.create({
        data: {
          clinicId: f.clinic.id,
          serviceId: f.serviceId,
          doctorId: opts.doctorId,
          locationId: f.locationId,
          patientAccountId: opts.patientAccountId,
          dependentId: opts.dependentId ?? null,
          status: opts.status ?? "completed",
          startsAt,
          endsAt,
          blockedFrom: startsAt,
          blockedTo: endsAt,
          channel: "staff",
          currency: "USD",
          priceMinor: 10_000,
          cancellationWindowMin: 2880,
        },
        select: { id: true },
      });
      await tx.appointmentStatusChange.create({ data: { clinicId: f.clinic.id, appointmentId: a.id, fromStatus: null, toStatus: "confirmed", actorType: "staff", occurredAt: new Date(startsAt.getTime() - 86_400_000) } });
      return a.id;
    });
}

export async function patientCookieFor(f: PanelFixture, patientAccountId: string) {
  const { token } = await createSession(testDb(), { clinicId: f.clinic.id, host: f.host }, { subject: "patient", patientAccountId }, { ip: "203.0.113.9", userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

export async function createRecordsFixture(): Promise<RecordsFixture> {
  const f = await createPanelFixture();
  const [doctor, other] = f.doctorIds as [string, string];
  const mine = f.patientId;
  const theirs = await f.newPatient();
  const child = await testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      await tx.patientAccount.update({ where: { id: mine }, data: { firstName: "Maya", lastName: "Rivera" } });
      await tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: f.clinic.id, patientAccountId: mine } }, data: { firstName: "Maya", lastName: "Rivera" } });
      await tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: f.clinic.id, patientAccountId: theirs } }, data: { firstName: "Omar", lastName: "Haddad" } });
      const d = await tx.dependent.create({ data: { patientAccountId: mine, firstName: "Leo", lastName: "Rivera", relationship: "child" } });
      return d.id;
    });
  const visits = {
    mine: await addVisit(f, { doctorId: doctor, patientAccountId: mine }),
    child: await addVisit(f, { doctorId: doctor, patientAccountId: mine, dependentId: child }),
    theirs: await addVisit(f, { doctorId: other, patientAccountId: theirs }),
  };
  return { ...f, mine, child, theirs, visits, patientCookie: (id) => patientCookieFor(f, id) };
}

/** A platform operator with a session on the admin host ("localhost"). */
export async function createOperator(): Promise<{ staffUserId: string; cookie: string }> {
  const staffUserId = await testDb()
    .forPlatform()
    .tx(async (tx) => {
      const user = await tx.staffUser.create({ data: { email: `op-${randomBytes(5).toString("hex")}@medslot.test`, name: "Olive Operator", passwordHash: "not-a-hash" } });
      await tx.platformOperator.create({ data: { staffUserId: user.id } });
      return user.id;
    });
  return { staffUserId, cookie: await staffCookie({ clinicId: null, host: "localhost" }, staffUserId) };
}

export { fictitiousPhone };
