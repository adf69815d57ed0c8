/**
 * The link a clinic texts to a patient whose visit awaits a deposit because the clinic may not (yet)
 * hold any of their cards — typically a desk booking for a phone the patient never proved there
 * (docs/decisions/030). The SMS reaches only the phone's owner, so following the link proves the
 * phone at this clinic; on the page the patient adds a card or allows the clinic to hold one they
 * saved, and the deposit is held by the usual rules.
 *
 * Only the token's SHA-256 is stored. A link works until the deposit's deadline (when the
 * cancellation window opens; after it the existing deposit rules apply) and is spent once the
 * deposit has a card.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { chosenCard, CardProblem } from "~/modules/booking-flow/deposit-step.server";
import { formatDateTime, formatMoney } from "~/lib/format";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { clinicSiteOrigin, type PublicUrlEnv } from "~/utils/public-urls.server";
import { allowClinicDeposits, provePhoneAtClinic } from "~/modules/patients/clinic-patients.server";
import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import { browserCardSetup, listCards, makeDefaultCard, payerOf, removeCard } from "./cards.server";
import { authorizeDeposit, lockDeposit, moveDeposit } from "./deposits.server";
import type { PaymentProvider } from "./provider";
import { statusIs } from "~/lib/appointment-status";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A new link for a deposit that awaits a card the clinic may hold, or null when there is nothing to
 * ask (the deposit has a card, its deadline passed, or the patient already allowed this clinic, in
 * which case their own cards page is the place to fix a card).
 */
export async function issueDepositLink(db: ClinicDb, depositId: string, env?: PublicUrlEnv, now = new Date()): Promise<string | null> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const deposit = await tx.deposit.findUnique({ where: { clinicId_id: { clinicId, id: depositId } }, select: { id: true, status: true, patientAccountId: true, captureAt: true } });
    if (!deposit || deposit.status !== "failed" || deposit.captureAt.getTime() <= now.getTime()) return null;
    const record = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId, patientAccountId: deposit.patientAccountId } }, select: { depositsAllowedAt: true } });
    if (!record || record.depositsAllowedAt) return null;
    const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { slug: true } });
    const token = randomBytes(32).toString("base64url");
    await tx.depositLink.create({ data: { clinicId, depositId, patientAccountId: deposit.patientAccountId, tokenHash: hashToken(token), expiresAt: deposit.captureAt } });
    return `${clinicSiteOrigin(clinic.slug, env)}/deposit/${token}`;
  });
}

interface LinkRow {
  id: string;
  deposit_id: string;
  patient_account_id: string;
  expires_at: Date;
  used_at: Date | null;
  deposit_status: string;
  amount_minor: number;
  currency: string;
  capture_at: Date;
  appointment_id: string;
  appointment_status: string;
  starts_at: Date;
  service_name: string;
  dependent_first_name: string | null;
}

async function findLink(tx: Tx, clinicId: string, token: string | undefined, lock = false): Promise<LinkRow | null> {
  if (!token || !TOKEN.test(token)) return null;
  const rows = await tx.$queryRaw<LinkRow[]>`
    SELECT l.id::text, l.deposit_id::text, l.patient_account_id::text, l.expires_at, l.used_at,
            d.status::text AS deposit_status, d.amount_minor, d.currency, d.capture_at,
            a.id::text AS appointment_id, a.status::text AS appointment_status, a.starts_at, s.name AS service_name, dep.first_name AS dependent_first_name
       FROM deposit_links l
       JOIN deposits d ON d.clinic_id = l.clinic_id AND d.id = l.deposit_id
       JOIN appointments a ON a.clinic_id = d.clinic_id AND a.id = d.appointment_id
       JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
       LEFT JOIN dependents dep ON dep.id = a.dependent_id
      WHERE l.clinic_id = ${clinicId}::uuid AND l.token_hash = ${hashToken(token)} ${lock ? Prisma.sql`FOR UPDATE OF l` : Prisma.empty}`;
  return rows[0] ?? null;
}

export type DepositLinkState = "open" | "done" | "expired" | "closed";

function stateOf(link: LinkRow, now: Date): DepositLinkState {
  if (link.used_at || ["pending", "authorized", "captured"].includes(link.deposit_status)) return "done";
  if (link.expires_at.getTime() <= now.getTime()) return "expired";
  if (link.deposit_status !== "failed" || !statusIs(link.appointment_status, "changeable")) return "closed";
  return "open";
}

export interface DepositLinkView {
  state: DepositLinkState;
  serviceName: string;
  forName: string | null;
  when: string;
  amount: string;
  deadline: string;
  /** The patient's saved cards (the link holder owns the phone), only while the link is open. */
  cards: { id: string; label: string; isDefault: boolean }[];
}

/**
 * What the link page shows, or null for a token that names no link at this clinic. `accounts` (here
 * and below) is the root database, used only for the patient's platform account and saved cards.
 */
export async function depositLinkView(db: ClinicDb, accounts: Db, provider: PaymentProvider, clinic: { id: string; timeZone: string }, token: string | undefined, now = new Date(), audit: AuditRequestContext | null = null): Promise<DepositLinkView | null> {
  const link = await db.tx(async (tx) => {
    const found = await findLink(tx, clinic.id, token);
    // The page shows a visit and saved cards: each view is in the clinic's log, as the holder of the link.
    if (found) await recordAudit(tx, { clinicId: clinic.id, actor: { type: "patient", id: found.patient_account_id }, action: "patient.deposit_link_viewed", target: { type: "appointment", id: found.appointment_id }, request: audit, details: { linkId: found.id } });
    return found;
  });
  if (!link) return null;
  const state = stateOf(link, now);
  const cards = state === "open" ? await accounts.forPlatform().tx((tx) => listCards(tx, link.patient_account_id, provider.name)) : [];
  return {
    state,
    serviceName: link.service_name,
    forName: link.dependent_first_name,
    when: formatDateTime(link.starts_at, clinic.timeZone),
    amount: formatMoney(link.amount_minor, link.currency),
    deadline: formatDateTime(link.capture_at, clinic.timeZone),
    cards: cards.map((c) => ({ id: c.id, label: c.label, isDefault: c.isDefault })),
  };
}

/** Stripe only: the secure card field for the link's patient on this page view. */
export async function depositLinkCardSetup(db: ClinicDb, accounts: Db, provider: PaymentProvider, clinic: { id: string }, token: string | undefined, publishableKey: string | null) {
  if (provider.name !== "stripe") return null;
  const link = await db.tx((tx) => findLink(tx, clinic.id, token));
  if (!link) return null;
  const account = await accounts.forPlatform().tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: link.patient_account_id }, select: { id: true, phone: true, firstName: true, lastName: true } }));
  return browserCardSetup(accounts, provider, payerOf(account), publishableKey);
}

const digits = z.string().trim().transform((s) => s.replace(/[\s-]/g, ""));

export const depositLinkForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("allow"), cardId: z.string().uuid("Choose one of your cards.") }),
  z.object({
    intent: z.literal("add"),
    cardNumber: digits.optional(),
    cardExpiry: z.string().trim().max(10).optional(),
    cardCvc: z.string().trim().max(4).optional(),
    setupRef: z.string().trim().max(200).optional(),
  }),
]);
export type DepositLinkInput = z.infer<typeof depositLinkForm>;

export type DepositLinkAnswer =
  | { ok: true; outcome: "held" | "card_on_file" }
  | { ok: false; state?: DepositLinkState; message: string; field: "card" | "cardNumber" | "cardExpiry" | "cardCvc" };

/**
 * The patient on the link page gives a card: the phone is proven at this clinic, the clinic may
 * hold deposits on the patient's cards, the chosen card is put on the deposit, and the deposit is
 * held now (visit within 5 days) or 5 days before by the usual rules. The link is spent once the
 * deposit has a card; a declined card leaves it open for another try.
 */
export async function completeDepositLink(
  db: ClinicDb,
  accounts: Db,
  provider: PaymentProvider,
  clinic: { id: string },
  token: string | undefined,
  input: DepositLinkInput,
  audit: AuditRequestContext | null,
  now = new Date(),
): Promise<DepositLinkAnswer | null> {
  const link = await db.tx((tx) => findLink(tx, clinic.id, token));
  if (!link) return null;
  const state = stateOf(link, now);
  if (state !== "open") return { ok: false, state, message: STATE_WORDS[state], field: "card" };
  const account = await accounts.forPlatform().tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: link.patient_account_id }, select: { id: true, phone: true, firstName: true, lastName: true } }));
  let cardId: string;
  // A card typed on the link is kept on the account only once the bank accepts it (as at booking).
  let newCard: { id: string; isDefault: boolean } | null = null;
  try {
    const card =
      input.intent === "allow"
        ? await chosenCard(accounts, provider, payerOf(account), { card: input.cardId, payNonce: "deposit-link" })
        : await chosenCard(accounts, provider, payerOf(account), { card: "new", ...input, setupRef: input.setupRef || undefined, payNonce: "deposit-link" }, { makeDefault: false });
    cardId = card.id;
    if (input.intent !== "allow") newCard = card;
  } catch (error) {
    if (error instanceof CardProblem) return { ok: false, message: error.message, field: error.field };
    throw error;
  }

  const ready = await db.tx(async (tx): Promise<DepositLinkState> => {
    const locked = await findLink(tx, clinic.id, token, true);
    if (!locked) return "closed";
    // Another tab may have finished first.
    const lockedState = stateOf(locked, now);
    if (lockedState !== "open") return lockedState;
    await provePhoneAtClinic(tx, clinic.id, locked.patient_account_id, "clinic_link");
    await allowClinicDeposits(tx, clinic.id, locked.patient_account_id, true);
    const deposit = await lockDeposit(tx, clinic.id, { id: locked.deposit_id });
    if (!deposit || deposit.status !== "failed") return "closed";
    await moveDeposit(tx, deposit, "pending", { cardId, failedAt: null, failureCode: null, failureMessage: null }, { action: "card_allowed", actor: "patient", detail: "by the link the clinic sent" });
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "patient", id: locked.patient_account_id }, action: "patient.deposit_card_allowed", target: { type: "appointment", id: locked.appointment_id }, request: audit, details: { via: "deposit_link", linkId: locked.id } });
    return "open";
  });
  if (ready !== "open") return { ok: false, state: ready, message: STATE_WORDS[ready], field: "card" };

  const deposit = await db.tx((tx) => tx.deposit.findUniqueOrThrow({ where: { clinicId_id: { clinicId: clinic.id, id: link.deposit_id } }, select: { authorizeAt: true } }));
  let outcome: "held" | "card_on_file" = "card_on_file";
  if (deposit.authorizeAt.getTime() <= now.getTime()) {
    const authorized = await authorizeDeposit(db, provider, link.appointment_id, now);
    if (authorized.outcome === "declined") {
      if (newCard) await removeCard(accounts, provider, account.id, newCard.id);
      return { ok: false, message: "Your bank declined the deposit on this card. Try another card.", field: "card" };
    }
    if (authorized.outcome === "authorized") outcome = "held";
  }
  if (newCard && !newCard.isDefault) await makeDefaultCard(accounts, provider, account.id, newCard.id);
  await db.tx((tx) => tx.depositLink.update({ where: { clinicId_id: { clinicId: clinic.id, id: link.id } }, data: { usedAt: now } }));
  return { ok: true, outcome };
}

export const STATE_WORDS: Record<DepositLinkState, string> = {
  open: "",
  done: "This link has already been used: the deposit for this visit has a card.",
  expired: "This link has expired. Please call the clinic about your visit.",
  closed: "This visit no longer needs a deposit from this link. Please call the clinic if you have questions.",
};
