import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import type { ClinicRef } from "../scheduling/slots.server";
import { log } from "~/utils/log.server";
import { sweepExpiredHolds } from "../scheduling/booking.server";
import { expireOffers, offerFreedTime } from "../scheduling/flexible-requests.server";

/**
 * Removes what has outlived its use: expired sessions, hand-offs and sign-in codes, rate-limit counters past
 * their windows, spent password-reset links and old development-outbox messages, and it marks
 * expired holds (announcing each with a hold.expired event) and lapsed waitlist offers, passing each
 * lapsed time on to the next matching request. Clinic rows are
 * swept in each clinic's own scope (RLS stays closed to cross-clinic deletes); the global tables in
 * one pass. Nothing here is needed for correctness (every check also looks at expiry times); it
 * keeps the tables and their indexes small.
 */

const DAY = 86_400_000;

export interface HousekeepingReport {
  sessions: number;
  signInCodes: number;
  expiredHolds: number;
  lapsedOffers: number;
  idempotentRequests: number;
  smsSendLog: number;
  staffSignInAttempts: number;
  staffSignInDelays: number;
  passwordResets: number;
  devOutboxMessages: number;
  apiRateBuckets: number;
}

/**
 * A clinic's expired holds become `hold_expired`; its lapsed waitlist offers go back to their
 * requests and each lapsed time is offered to the next matching request. Run by the hold and offer
 * workflows at each expiry, and hourly here as the safety net.
 */
export async function sweepHoldsAndOffers(tx: Tx, clinic: ClinicRef, now = new Date()): Promise<{ expiredHolds: number; lapsedOffers: number; offered: number }> {
  const expiredHolds = await sweepExpiredHolds(tx, clinic, now);
  const lapsed = await expireOffers(tx, clinic, now);
  let offered = 0;
  for (const offer of lapsed) if (offer.previousStatus === "offered" && (await offerFreedTime(tx, clinic, offer.time, now))) offered++;
  return { expiredHolds, lapsedOffers: lapsed.length, offered };
}

/** The same, in the clinic's own scope. */
export async function sweepClinic(db: ClinicDb, now = new Date()) {
  return db.tx(async (tx) => {
    const clinic = await tx.clinic.findUnique({ where: { id: db.clinicId }, select: { id: true, timeZone: true, currency: true } });
    return clinic ? sweepHoldsAndOffers(tx, clinic, now) : { expiredHolds: 0, lapsedOffers: 0, offered: 0 };
  });
}

export async function sweepExpired(db: Db, now = new Date()): Promise<HousekeepingReport> {
  // Longest rate-limit window is an hour; a day of history is kept for investigations.
  const dayAgo = new Date(now.getTime() - DAY);
  const report: HousekeepingReport = { sessions: 0, signInCodes: 0, expiredHolds: 0, lapsedOffers: 0, idempotentRequests: 0, smsSendLog: 0, staffSignInAttempts: 0, staffSignInDelays: 0, passwordResets: 0, devOutboxMessages: 0, apiRateBuckets: 0 };

  const clinicIds = await db.system("housekeeping: clinic list").tx((tx) => tx.clinic.findMany({ select: { id: true, timeZone: true, currency: true } }));
  for (const clinic of clinicIds) {
    await db.forClinic(clinic.id).tx(async (tx) => {
      const swept = await sweepHoldsAndOffers(tx, clinic, now);
      report.expiredHolds += swept.expiredHolds;
      report.lapsedOffers += swept.lapsedOffers;
      // Idempotency-Keys are honoured for 24 hours.
      report.idempotentRequests += (await tx.idempotentRequest.deleteMany({ where: { clinicId: clinic.id, createdAt: { lt: dayAgo } } })).count;
    });
  }
  const scopes = [db.forPlatform(), ...clinicIds.map((c) => db.forClinic(c.id))];
  for (const scope of scopes) {
    const [sessions, codes] = await scope.tx(async (tx) => {
      // Hand-offs to this host (decision 042): a minute's use, kept a day for investigations.
      await tx.sessionHandOff.deleteMany({ where: { expiresAt: { lt: dayAgo } } });
      return [await tx.session.deleteMany({ where: { expiresAt: { lt: now } } }), await tx.signInCode.deleteMany({ where: { expiresAt: { lt: dayAgo } } })];
    });
    report.sessions += sessions.count;
    report.signInCodes += codes.count;
  }

  await db.forPlatform().tx(async (tx) => {
    report.smsSendLog = (await tx.smsSendLog.deleteMany({ where: { createdAt: { lt: dayAgo } } })).count;
    report.staffSignInAttempts = (await tx.staffSignInAttempt.deleteMany({ where: { createdAt: { lt: dayAgo } } })).count;
    // A day without failures starts a network's count again, so the row says nothing any more.
    report.staffSignInDelays = (await tx.staffSignInDelay.deleteMany({ where: { lastFailureAt: { lt: dayAgo } } })).count;
    report.passwordResets = (await tx.passwordReset.deleteMany({ where: { expiresAt: { lt: dayAgo } } })).count;
    report.devOutboxMessages = (await tx.devOutboxMessage.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - 7 * DAY) } } })).count;
    // Any bucket refills completely within seconds; an hour idle is full whatever its policy.
    report.apiRateBuckets = (await tx.apiRateBucket.deleteMany({ where: { refilledAt: { lt: new Date(now.getTime() - DAY / 24) } } })).count;
  });
  return report;
}

/** Sweeps once soon after start-up, then every hour; never throws into the server. */
export function startHousekeeping(db: Db, everyMs = 60 * 60_000) {
  const run = () =>
    sweepExpired(db)
      .then((report) => log.info("housekeeping", { ...report }))
      .catch((error: Error) => log.warn("housekeeping failed", { error: error.message }));
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
