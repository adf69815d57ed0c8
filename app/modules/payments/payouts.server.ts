/**
 * A clinic's payout account (Stripe Connect): the owner starts onboarding from the panel, Stripe
 * hosts the forms, and the clinic's deposits settle to the account once it can take charges
 * (less the platform fee). Until then deposits are charged to the platform alone.
 */
import { randomUUID } from "node:crypto";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { recordAudit, type AuditActor, type AuditRequestContext } from "../audit/audit.server";
import type { ConnectStatus, PaymentProvider } from "./provider";

export interface PayoutStatus extends ConnectStatus {
  accountRef: string | null;
}

export interface OnboardingUrls {
  /** Where Stripe sends the owner when the link has expired or was already used. */
  refreshUrl: string;
  /** Where Stripe sends the owner when they leave onboarding (finished or not). */
  returnUrl: string;
}

export async function payoutStatus(db: ClinicDb): Promise<PayoutStatus> {
  const clinic = await db.tx((tx) =>
    tx.clinic.findUnique({ where: { id: db.clinicId }, select: { payoutAccountRef: true, payoutsChargesEnabled: true, payoutsEnabled: true, payoutsDetailsSubmitted: true } }),
  );
  if (!clinic) throw new NotFoundError("There is no such clinic.");
  return { accountRef: clinic.payoutAccountRef, chargesEnabled: clinic.payoutsChargesEnabled, payoutsEnabled: clinic.payoutsEnabled, detailsSubmitted: clinic.payoutsDetailsSubmitted };
}

/**
 * An onboarding link for the clinic's owner, creating the clinic's account the first time (one per
 * clinic, however often the button is pressed). Stores the account and records who started it.
 */
export async function startPayoutOnboarding(
  db: ClinicDb,
  provider: PaymentProvider,
  ownerEmail: string | null,
  urls: OnboardingUrls,
  audit: { actor: AuditActor; request: AuditRequestContext | null } = { actor: { type: "system" }, request: null },
): Promise<{ url: string; accountRef: string }> {
  const clinicId = db.clinicId;
  const clinic = await db.tx(async (tx) => {
    const row = await tx.clinic.findUnique({ where: { id: clinicId }, select: { name: true, payoutAccountRef: true } });
    const location = await tx.location.findFirst({ where: { clinicId }, select: { country: true }, orderBy: { createdAt: "asc" } });
    return row ? { ...row, country: location?.country ?? null } : null;
  });
  if (!clinic) throw new NotFoundError("There is no such clinic.");
  // Account links are single-use and expire within minutes: each press asks for a fresh one.
  const link = await provider.connectOnboardingLink(
    { accountRef: clinic.payoutAccountRef, clinicId, clinicName: clinic.name, email: ownerEmail, country: clinic.country, refreshUrl: urls.refreshUrl, returnUrl: urls.returnUrl },
    `payouts:${clinicId}:onboarding:${randomUUID()}`,
  );
  await db.tx(async (tx) => {
    if (link.accountRef !== clinic.payoutAccountRef) await tx.clinic.update({ where: { id: clinicId }, data: { payoutAccountRef: link.accountRef } });
    await recordAudit(tx, {
      clinicId,
      actor: audit.actor,
      action: "payouts.onboarding_started",
      target: { type: "clinic", id: clinicId },
      request: audit.request,
      details: { provider: provider.name, accountRef: link.accountRef, newAccount: clinic.payoutAccountRef === null },
    });
  });
  return link;
}

/** Asks the provider how the clinic's account stands and keeps the answer (webhooks do the same on their own). */
export async function refreshPayoutStatus(db: ClinicDb, provider: PaymentProvider): Promise<PayoutStatus> {
  const clinicId = db.clinicId;
  const current = await payoutStatus(db);
  if (!current.accountRef) return current;
  const status = await provider.connectStatus(current.accountRef);
  await db.tx((tx) =>
    tx.clinic.update({ where: { id: clinicId }, data: { payoutsChargesEnabled: status.chargesEnabled, payoutsEnabled: status.payoutsEnabled, payoutsDetailsSubmitted: status.detailsSubmitted } }),
  );
  return { accountRef: current.accountRef, ...status };
}
