/**
 * The steps of booking on a clinic's own site: service → location → doctor → day → time → hold →
 * review → confirm. Each step is worked out from the choice in the address; anything stale or
 * malformed sends the patient back to the first step that still makes sense.
 */
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import { statusIs } from "~/lib/appointment-status";
import { confirmHold, findHold, getAppointment, HOLD_MINUTES, HOLD_RELEASED, HOLD_REPLACED, HoldExpiredError, movesBefore, placeHold, releaseHold, releaseHoldsOf, SlotTakenError } from "~/modules/scheduling/booking.server";
import { findSlots, scheduledSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, Db } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { buildCalendar, daysIn, firstDayOf, monthOf, shiftMonth, type CalendarMonth } from "./calendar";
import { loadBookingCatalog, type BookableService, type BookingCatalog, type BookingDoctor, type BookingLocation } from "./catalog.server";
import { bookHref, type Choice } from "./choice";
import { depositWords } from "~/modules/pricing/price";
import { discountAtInstant, discountedPrice, stillOffered } from "~/modules/scheduling/discounts";
import { describeDiscount } from "./discounts";
import { formatDateTime, formatDayMonth, formatDuration, formatLocalDay, formatLocalMonth, formatMoney, formatTime, zoneAbbreviation } from "~/lib/format";
import type { CalendarEntry } from "./ics";
import { visitCalendarEntry } from "./visit-calendar";
import { formatBookingCode } from "~/lib/booking-code";
import { activeDependents, insertDependent, type DependentInput } from "~/modules/patient-account/family.server";
import type { PaymentProvider } from "~/modules/payments/provider";
import { depositFactsOf } from "~/modules/payments/deposits.server";
import { depositDetail } from "~/modules/patient-account/wording";
import { dropWaitingAuthentication, waitForAuthentication, type WaitingAuthentication } from "./card-authentication.server";
import { makeDefaultCard, removeCard, type SavedCard } from "~/modules/payments/cards.server";
import { authorizeAtBooking, CardProblem, chosenCard, heldVisitTerms, recordPlannedDeposit, undoAuthorization, type CardFormInput, type DepositPlan } from "./deposit-step.server";

/** Patients book up to a year ahead at most; further months are not offered. */
const MONTHS_AHEAD = 12;

export interface ServiceCard {
  id: string;
  name: string;
  description: string | null;
  duration: string;
  price: string;
  deposit: string | null;
  season: string | null;
  /** Discounts that can still apply, in plain words. */
  discounts: string[];
}

export interface TimeOption {
  start: string;
  label: string;
  /** The discount that applies at this time with the resulting price ("10% off · $198.00"). */
  discount: string | null;
  practitionerId: string;
  doctorName: string | null;
}

export interface Chosen {
  service: { id: string; name: string; duration: string; price: string };
  location: BookingLocation | null;
  doctor: BookingDoctor | null;
  /** How many locations the service is offered at (the location step is skipped for one). */
  locationCount: number;
}

export type BookingStep =
  | { step: "service"; groups: { category: string | null; services: ServiceCard[] }[] }
  | { step: "location"; chosen: Chosen; locations: BookingLocation[] }
  | { step: "doctor"; chosen: Chosen; doctors: BookingDoctor[] }
  | { step: "day"; chosen: Chosen; calendar: CalendarMonth; monthLabel: string; canGoBack: boolean; canGoForward: boolean; zone: string }
  | { step: "time"; chosen: Chosen; day: LocalDate; dayLabel: string; times: TimeOption[]; zone: string; timeZone: string; holdMinutes: number };

/** Where to send the patient instead of showing a step (a stale or incomplete choice). */
export type StepAnswer = { redirect: string } | BookingStep;

function depositText(service: BookableService, currency: string): string | null {
  const d = service.deposit;
  return depositWords({ priceMinor: service.priceMinor, currency, depositKind: d.kind, depositValue: d.kind === "fixed" ? d.amountMinor : d.kind === "percent" ? d.percent : 0 }, formatMoney);
}

/** A service as the booking pages describe it: duration, price, deposit, season and the discounts still offered. */
export function serviceCard(service: BookableService, currency: string, today: LocalDate): ServiceCard {
  return {
    id: service.id,
    name: service.name,
    description: service.description,
    duration: formatDuration(service.durationMin),
    price: formatMoney(service.priceMinor, currency),
    deposit: depositText(service, currency),
    season: service.season ? `Offered ${formatDayMonth(service.season.from)} – ${formatDayMonth(service.season.to)}` : null,
    discounts: service.discounts.filter((d) => stillOffered(d, today)).map(describeDiscount),
  };
}

function groupByCategory(services: BookableService[], currency: string, today: LocalDate): { category: string | null; services: ServiceCard[] }[] {
  const groups = new Map<string | null, ServiceCard[]>();
  for (const s of services) groups.set(s.category, [...(groups.get(s.category) ?? []), serviceCard(s, currency, today)]);
  return [...groups].map(([category, list]) => ({ category, services: list }));
}

function doctorsFor(catalog: BookingCatalog, service: BookableService, locationId: string): BookingDoctor[] {
  // A doctor with no listed locations works wherever the service is offered.
  return catalog.doctors.filter((d) => service.doctorIds.includes(d.id) && (d.locationIds.length === 0 || d.locationIds.includes(locationId)));
}

function todayIn(clinic: ClinicRef, now: Date): LocalDate {
  return utcToZoned(now, clinic.timeZone).date;
}

/** The UTC span of local days [first, afterLast), never earlier than now. */
function span(clinic: ClinicRef, first: LocalDate, afterLast: LocalDate, now: Date) {
  const from = new Date(Math.max(zonedToUtc(first, 0, clinic.timeZone).getTime(), now.getTime()));
  const to = zonedToUtc(afterLast, 0, clinic.timeZone);
  return { from, to };
}

async function slotsBetween(db: ClinicDb, clinic: ClinicRef, search: { serviceId: string; locationId: string; practitionerId: string | null }, first: LocalDate, afterLast: LocalDate, now: Date) {
  const { from, to } = span(clinic, first, afterLast, now);
  if (from >= to) return [];
  try {
    return await findSlots(db, clinic, { ...search, from, to }, now);
  } catch (error) {
    // The service stopped being bookable since the page was opened: no times, not an error page.
    if (error instanceof NotFoundError || error instanceof ValidationError) return [];
    throw error;
  }
}

function timeDiscount(service: BookableService, start: Date, clinic: ClinicRef): string | null {
  const d = discountAtInstant(service.discounts, start, clinic.timeZone);
  return d ? `${d.percent}% off · ${formatMoney(discountedPrice(service.priceMinor, d.percent), clinic.currency)}` : null;
}

export async function bookingStep(db: ClinicDb, clinic: ClinicRef, choice: Choice, now = new Date()): Promise<StepAnswer> {
  const catalog = await loadBookingCatalog(db);
  if (!choice.service) return { step: "service", groups: groupByCategory(catalog.services, clinic.currency, todayIn(clinic, now)) };

  const service = catalog.services.find((s) => s.id === choice.service);
  if (!service) return { redirect: bookHref({ for: choice.for }) };
  const locations = catalog.locations.filter((l) => service.locationIds.includes(l.id));
  const location = locations.find((l) => l.id === choice.location) ?? null;
  if (choice.location && !location) return { redirect: bookHref({ service: service.id, for: choice.for }) };
  const card = serviceCard(service, clinic.currency, todayIn(clinic, now));
  const chosenBase = { service: { id: service.id, name: service.name, duration: card.duration, price: card.price }, locationCount: locations.length };
  if (!location) {
    // One location is no choice at all.
    if (locations.length === 1) return { redirect: bookHref({ service: service.id, location: locations[0]!.id, for: choice.for }) };
    return { step: "location", chosen: { ...chosenBase, location: null, doctor: null }, locations };
  }

  const doctors = doctorsFor(catalog, service, location.id);
  if (!choice.doctor) return { step: "doctor", chosen: { ...chosenBase, location, doctor: null }, doctors };
  const doctor = choice.doctor === "any" ? null : (doctors.find((d) => d.id === choice.doctor) ?? null);
  if (choice.doctor !== "any" && !doctor) return { redirect: bookHref({ service: service.id, location: location.id, for: choice.for }) };
  const chosen: Chosen = { ...chosenBase, location, doctor };
  const search = { serviceId: service.id, locationId: location.id, practitionerId: doctor?.id ?? null };
  const thisMonth = monthOf(todayIn(clinic, now));
  const lastMonth = shiftMonth(thisMonth, MONTHS_AHEAD);

  if (choice.day) {
    const today = todayIn(clinic, now);
    if (choice.day < today || monthOf(choice.day) > lastMonth) return { redirect: bookHref({ service: service.id, location: location.id, doctor: choice.doctor, for: choice.for }) };
    const slots = await slotsBetween(db, clinic, search, choice.day, addDays(choice.day, 1), now);
    const doctorName = new Map(catalog.doctors.map((d) => [d.id, d.name]));
    return {
      step: "time",
      chosen,
      holdMinutes: HOLD_MINUTES,
      day: choice.day,
      dayLabel: formatLocalDay(choice.day),
      zone: `${zoneAbbreviation(zonedToUtc(choice.day, 720, clinic.timeZone), clinic.timeZone)} (${clinic.timeZone})`,
      timeZone: clinic.timeZone,
      times: slots.map((s) => ({
        start: s.start.toISOString(),
        label: formatTime(s.start, clinic.timeZone),
        discount: timeDiscount(service, s.start, clinic),
        practitionerId: s.doctorId,
        doctorName: doctor ? null : (doctorName.get(s.doctorId) ?? null),
      })),
    };
  }

  const month = choice.month && choice.month >= thisMonth && choice.month <= lastMonth ? choice.month : thisMonth;
  const days = daysIn(month);
  const slots = await slotsBetween(db, clinic, search, firstDayOf(month), addDays(days[days.length - 1]!, 1), now);
  const freeByDay = new Map<LocalDate, number>();
  for (const s of slots) {
    const date = utcToZoned(s.start, clinic.timeZone).date;
    freeByDay.set(date, (freeByDay.get(date) ?? 0) + 1);
  }
  // Days the schedule offers but that are fully booked lead to their page too, for the waitlist.
  const fullDays = new Set<LocalDate>();
  if (days.some((d) => d >= todayIn(clinic, now) && !freeByDay.has(d))) {
    const { from, to } = span(clinic, firstDayOf(month), addDays(days[days.length - 1]!, 1), now);
    const scheduled = from < to ? await scheduledSlots(db, clinic, { ...search, from, to }, now) : [];
    for (const s of scheduled) {
      const date = utcToZoned(s.start, clinic.timeZone).date;
      if (!freeByDay.has(date)) fullDays.add(date);
    }
  }
  const calendar = buildCalendar(month, freeByDay, fullDays);
  return {
    step: "day",
    chosen,
    calendar,
    monthLabel: formatLocalMonth(month),
    canGoBack: month > thisMonth,
    canGoForward: month < lastMonth,
    zone: clinic.timeZone,
  };
}

export type HoldAnswer = { ok: true; holdId: string } | { ok: false; message: string };

/** Holds the chosen time for this browser; a time someone else just took is a plain message. */
export async function holdTime(
  db: ClinicDb,
  clinic: ClinicRef,
  req: { serviceId: string; locationId: string; practitionerId: string; start: Date; heldBy: string },
  actor: Actor,
  now = new Date(),
): Promise<HoldAnswer> {
  try {
    const hold = await db.tx((tx) => placeHold(tx, clinic, { serviceId: req.serviceId, practitionerId: req.practitionerId, locationId: req.locationId, start: req.start, heldBy: req.heldBy, channel: "clinic_site" }, actor, now));
    return { ok: true, holdId: hold.id };
  } catch (error) {
    if (error instanceof SlotTakenError || error instanceof ConflictError) return { ok: false, message: "Sorry, someone just took this time. Here are the times still free." };
    if (error instanceof ValidationError || error instanceof NotFoundError) return { ok: false, message: "This time can no longer be booked. Here are the times still free." };
    throw error;
  }
}

export interface HoldReview {
  holdId: string;
  serviceName: string;
  doctorName: string;
  location: BookingLocation | null;
  when: string;
  duration: string;
  preparationNotes: string | null;
  /** The service's reasons for a visit, offered on the review ("Reason for your visit"). */
  visitReasons: string[];
  price: string;
  discount: string | null;
  deposit: string | null;
  /** For the card step: the deposit in minor units and when the visit starts. */
  depositMinor: number;
  currency: string;
  startsAt: Date;
  requiresApproval: boolean;
  /** "You can cancel or move it online until …", with the deadline on the clinic's clock. */
  cancellationPolicy: string;
  /** Seconds until the hold runs out, for the page's live countdown. */
  secondsLeft: number;
}

function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "1 day" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

/** The cancellation policy in plain words, with the actual deadline on the clinic's clock. */
export function policyText(deadline: Date, windowMin: number, timeZone: string, now: Date): string {
  if (windowMin <= 0) return "You can cancel or move this visit online until it starts.";
  const window = windowText(windowMin);
  if (deadline.getTime() <= now.getTime()) return `This visit starts in less than ${window}, so it can no longer be cancelled or moved online. If your plans change, please call the clinic.`;
  return `You can cancel or move this visit online until ${formatDateTime(deadline, timeZone)} (${window} before it starts). After that, please call the clinic.`;
}

/** The hold this browser placed, as the review step shows it; null once it expired or was released. */
/**
 * The patient is back at a day's times (the browser's Back, another tab): whatever this browser held
 * is free again at once, for everyone and for the list they are about to see.
 */
export async function letGoOfHeldTimes(db: ClinicDb, clinic: ClinicRef, heldBy: string, actor: Actor): Promise<void> {
  await db.tx((tx) => releaseHoldsOf(tx, clinic, heldBy, actor));
}

/** The patient goes back to choose another time: the time this browser held is free for everyone at once. */
export async function letGoOfHold(db: ClinicDb, clinic: ClinicRef, holdId: string, heldBy: string, actor: Actor): Promise<void> {
  await db.tx((tx) => releaseHold(tx, clinic, holdId, heldBy, actor));
}

/**
 * Why a time this browser chose is no longer held, so the page says what is true: it ran out, the
 * patient went back to the times or chose another (in this tab or another) and it was let go, or it
 * was booked (in another tab).
 */
export type HoldGone = { why: "expired" } | { why: "replaced" } | { why: "booked"; appointmentId: string } | { why: "unknown" };

export async function holdGone(db: ClinicDb, holdId: string, heldBy: string): Promise<HoldGone> {
  const rows = await db.tx((tx) =>
    tx.$queryRaw<{ status: string; reason: string | null }[]>`
      SELECT a.status::text AS status,
             (SELECT h.reason FROM appointment_status_history h
               WHERE h.clinic_id = a.clinic_id AND h.appointment_id = a.id AND h.to_status = 'hold_released'
               ORDER BY h.occurred_at DESC LIMIT 1) AS reason
        FROM appointments a
       WHERE a.clinic_id = ${db.clinicId}::uuid AND a.id = ${holdId}::uuid AND a.held_by = ${heldBy}`,
  );
  const row = rows[0];
  if (!row) return { why: "unknown" };
  if (row.status === "held" || row.status === "hold_expired") return { why: "expired" };
  if (row.status === "hold_released") return row.reason === HOLD_REPLACED || row.reason === HOLD_RELEASED ? { why: "replaced" } : { why: "expired" };
  return statusIs(row.status, "booked") ? { why: "booked", appointmentId: holdId } : { why: "unknown" };
}

/** Which discount the held price includes, against the list price ("Early bird: 15% off $80.00"). */
function discountNote(service: BookableService, start: Date, priceMinor: number, clinic: ClinicRef): string | null {
  const d = discountAtInstant(service.discounts, start, clinic.timeZone);
  if (!d || priceMinor >= service.priceMinor) return null;
  return `${d.label}: ${d.percent}% off ${formatMoney(service.priceMinor, clinic.currency)}`;
}

export async function reviewHold(db: ClinicDb, clinic: ClinicRef, holdId: string, heldBy: string, now = new Date()): Promise<HoldReview | null> {
  const hold = await db.tx((tx) => findHold(tx, clinic, holdId, heldBy, now));
  if (!hold || !hold.holdExpiresAt) return null;
  const catalog = await loadBookingCatalog(db);
  const service = catalog.services.find((s) => s.id === hold.serviceId);
  const deadline = hold.cancellationDeadline;
  return {
    holdId: hold.id,
    serviceName: hold.serviceName,
    doctorName: catalog.doctors.find((d) => d.id === hold.practitionerId)?.name ?? "Your doctor",
    location: catalog.locations.find((l) => l.id === hold.locationId) ?? null,
    when: formatDateTime(hold.start, clinic.timeZone),
    duration: formatDuration(Math.round((hold.end.getTime() - hold.start.getTime()) / 60_000)),
    preparationNotes: service?.preparationNotes ?? null,
    visitReasons: service?.visitReasons ?? [],
    price: formatMoney(hold.priceMinor, hold.currency),
    discount: service ? discountNote(service, hold.start, hold.priceMinor, clinic) : null,
    deposit: hold.depositMinor > 0 ? formatMoney(hold.depositMinor, hold.currency) : null,
    depositMinor: hold.depositMinor,
    currency: hold.currency,
    startsAt: hold.start,
    requiresApproval: service?.requiresApproval ?? false,
    cancellationPolicy: policyText(deadline, hold.cancellationWindowMin, clinic.timeZone, now),
    secondsLeft: Math.max(0, Math.floor((hold.holdExpiresAt.getTime() - now.getTime()) / 1000)),
  };
}

export interface FamilyMember {
  id: string;
  name: string;
  relationship: string;
}

/** The family members on a patient's account, for "who is this visit for"; removed ones never appear. */
export async function familyOf(db: ClinicDb, clinic: ClinicRef, patientAccountId: string): Promise<FamilyMember[]> {
  const rows = await db.tx((tx) => activeDependents(tx, patientAccountId));
  return rows.map((d) => ({ id: d.id, name: d.name, relationship: d.relationshipLabel }));
}

export type ConfirmAnswer =
  | { ok: true; appointmentId: string }
  | { ok: false; reason: "expired" | "not-family"; message: string }
  /** A reason for the visit that is not one of the service's: nothing is held on a card yet. */
  | { ok: false; reason: "visit-reason"; message: string }
  /** The deposit's card was refused or is missing; the time stays held for another try. */
  | { ok: false; reason: "card"; field: CardProblem["field"]; message: string }
  /** The bank wants the patient to confirm the deposit (3-D Secure): the booking waits for them. */
  | { ok: false; reason: "authenticate"; authentication: WaitingAuthentication };

export interface BookingPayment {
  provider: PaymentProvider;
  /** The card part of the form; null when the page showed no card choice. */
  form: CardFormInput | null;
  patient: { id: string; phone: string; email: string | null; name: string | null };
}

export const VISIT_REASON_MESSAGE = "Choose one of the reasons listed for this visit, or none of them.";

/** The reasons the clinic lists for a service now (none for a service that is gone). */
async function visitReasonsOf(db: ClinicDb, serviceId: string): Promise<string[]> {
  const service = await db.tx((tx) => tx.service.findUnique({ where: { clinicId_id: { clinicId: db.clinicId, id: serviceId } }, select: { visitReasons: true } }));
  return service?.visitReasons ?? [];
}

const EXPIRED_MESSAGE = `We held this time for ${HOLD_MINUTES} minutes and the hold has run out, so the time was released. Please choose a time again.`;

/**
 * Confirms the held time for the patient, a family member on their account, or (with
 * `newDependent`) someone they add to their family right here: adding and confirming are one
 * transaction, so an expired hold adds nobody. A visit with a deposit needs a card first: it is
 * saved (and for a visit within 5 days the deposit held on it) before the confirmation, whose
 * transaction also writes the deposit; if the confirmation then fails, the hold on the card is let go.
 * `accounts` is the root database, used only for the patient's platform account (saved cards).
 */
export async function confirmBooking(
  db: ClinicDb,
  accounts: Db,
  clinic: ClinicRef,
  req: { holdId: string; heldBy: string; patientAccountId: string; dependentId: string | null; note: string | null; visitReason?: string | null; newDependent?: DependentInput },
  now = new Date(),
  audit: AuditRequestContext | null = null,
  payment: BookingPayment | null = null,
): Promise<ConfirmAnswer> {
  const actor: Actor = { type: "patient", id: req.patientAccountId, request: audit };
  let plan: DepositPlan | null = null;
  let platformFeeBps = 0;
  // A card typed on this page: kept on the account only once the bank has accepted it.
  let newCard: SavedCard | null = null;
  try {
    const hold = await db.tx((tx) => findHold(tx, clinic, req.holdId, req.heldBy, now));
    if (!hold) return { ok: false, reason: "expired", message: EXPIRED_MESSAGE };
    // The reason is one the clinic lists for this service (checked before any card is touched).
    const visitReason = req.visitReason || null;
    if (visitReason && !(await visitReasonsOf(db, hold.serviceId)).includes(visitReason)) return { ok: false, reason: "visit-reason", message: VISIT_REASON_MESSAGE };
    if (hold.depositMinor > 0) {
      if (!payment?.form) return { ok: false, reason: "card", field: "card", message: "Choose a card for the deposit." };
      // A check with the bank still open for this time (a reloaded page, another card) ends first.
      await dropWaitingAuthentication(db, payment.provider, clinic, hold.id, actor, now);
      const terms = await db.tx((tx) => heldVisitTerms(tx, clinic.id));
      platformFeeBps = terms.platform_fee_bps;
      const card = await chosenCard(accounts, payment.provider, payment.patient, payment.form, { makeDefault: false });
      if (payment.form.card === "new") newCard = card;
      plan = await authorizeAtBooking(
        accounts,
        payment.provider,
        clinic,
        { holdId: hold.id, start: hold.start, depositMinor: hold.depositMinor, currency: hold.currency, serviceName: hold.serviceName, clinicName: terms.name, payoutAccountRef: terms.payout_account_ref, payoutsChargesEnabled: terms.payouts_charges_enabled, platformFeeBps },
        req.patientAccountId,
        card,
        payment.form.payNonce,
        now,
      );
    }
    if (plan?.authentication && payment) {
      const authentication = await waitForAuthentication(
        db,
        payment.provider,
        clinic,
        { holdId: req.holdId, heldBy: req.heldBy, patientAccountId: req.patientAccountId, dependentId: req.dependentId, newDependent: req.newDependent, note: req.note, visitReason, depositId: plan.depositId, card: plan.card, cardIsNew: newCard !== null, ...plan.authentication },
        now,
      );
      return { ok: false, reason: "authenticate", authentication };
    }
    const planned = plan;
    const appointment = await db.tx(async (tx) => {
      const dependentId = req.newDependent ? (await insertDependent(tx, { clinicId: clinic.id }, req.patientAccountId, req.newDependent, audit)).id : req.dependentId;
      const confirmed = await confirmHold(tx, clinic, { holdId: req.holdId, heldBy: req.heldBy, patient: { patientAccountId: req.patientAccountId, dependentId }, note: req.note, visitReason }, actor, now);
      if (planned && payment) await recordPlannedDeposit(tx, clinic, payment.provider, confirmed, req.patientAccountId, planned, platformFeeBps, actor, now);
      return confirmed;
    });
    if (newCard && payment && !newCard.isDefault) await makeDefaultCard(accounts, payment.provider, req.patientAccountId, newCard.id);
    return { ok: true, appointmentId: appointment.id };
  } catch (error) {
    if (plan && payment) await undoAuthorization(payment.provider, plan);
    if (error instanceof CardProblem) {
      // A declined new card is not kept, so it is neither listed nor chosen for the next booking.
      if (newCard && payment) await removeCard(accounts, payment.provider, req.patientAccountId, newCard.id);
      return { ok: false, reason: "card", field: error.field, message: error.message };
    }
    if (error instanceof HoldExpiredError) return { ok: false, reason: "expired", message: EXPIRED_MESSAGE };
    if (error instanceof ValidationError) return { ok: false, reason: "not-family", message: "Choose yourself or a family member on your account." };
    throw error;
  }
}

export interface ConfirmedVisit {
  id: string;
  /** NOR-7K4QX: what the patient quotes to the clinic; kept when the visit moves. */
  bookingCode: string;
  status: string;
  serviceName: string;
  doctorName: string;
  patientName: string;
  location: BookingLocation | null;
  when: string;
  duration: string;
  price: string;
  deposit: string | null;
  depositDetail: { text: string; needsCard: boolean } | null;
  preparationNotes: string | null;
  cancellationPolicy: string;
  calendar: CalendarEntry;
}

/**
 * A patient's own booked visit; someone else's (or a malformed id) is null. Each view is written to
 * the clinic's audit log, like every view of patient data.
 */
export async function confirmedVisit(
  db: ClinicDb,
  clinic: ClinicRef & { name: string; slug: string },
  appointmentId: string,
  patientAccountId: string,
  request: AuditRequestContext | null,
  now = new Date(),
): Promise<ConfirmedVisit | null> {
  let appointment;
  let depositFacts: Awaited<ReturnType<typeof depositFactsOf>> = null;
  let moves = 0;
  try {
    appointment = await db.tx(async (tx) => {
      const found = await getAppointment(tx, clinic, appointmentId);
      if (found.patient?.id !== patientAccountId) return null;
      depositFacts = await depositFactsOf(tx, clinic, found.id, { money: formatMoney, dateTime: formatDateTime }, now);
      moves = await movesBefore(tx, clinic.id, found);
      await recordAudit(tx, {
        clinicId: clinic.id,
        actor: { type: "patient", id: patientAccountId },
        action: "patient.appointment_viewed",
        target: { type: "appointment", id: found.id },
        request,
      });
      return found;
    });
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  if (!appointment) return null;
  const catalog = await loadBookingCatalog(db);
  const location = catalog.locations.find((l) => l.id === appointment.locationId) ?? null;
  const doctorName = catalog.doctors.find((d) => d.id === appointment.practitionerId)?.name ?? "Your doctor";
  const service = catalog.services.find((s) => s.id === appointment.serviceId);
  const person = appointment.dependent ?? appointment.patient;
  const policy = policyText(appointment.cancellationDeadline, appointment.cancellationWindowMin, clinic.timeZone, now);
  return {
    id: appointment.id,
    bookingCode: formatBookingCode(clinic.slug, appointment.bookingCode),
    status: appointment.status,
    serviceName: appointment.serviceName,
    doctorName,
    patientName: [person?.firstName, person?.lastName].filter(Boolean).join(" "),
    location,
    when: formatDateTime(appointment.start, clinic.timeZone),
    duration: formatDuration(Math.round((appointment.end.getTime() - appointment.start.getTime()) / 60_000)),
    price: formatMoney(appointment.priceMinor, appointment.currency),
    deposit: appointment.depositMinor > 0 ? formatMoney(appointment.depositMinor, appointment.currency) : null,
    depositDetail: depositFacts ? depositDetail(depositFacts) : null,
    preparationNotes: service?.preparationNotes ?? null,
    cancellationPolicy: policy,
    calendar: visitCalendarEntry(clinic, appointment, { moves, doctorName, location, preparationNotes: service?.preparationNotes, policy }, now),
  };
}
