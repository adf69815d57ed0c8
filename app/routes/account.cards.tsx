import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DemoPaymentsNote, NewCardFields } from "~/components/booking/card-picker";
import { Alert } from "~/components/booking/step-header";
import { recordAudit, auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { CardProblem, chosenCard } from "~/modules/booking-flow/deposit-step.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { browserCardSetup, listCards, makeDefaultCard, payerOf, removeCard } from "~/modules/payments/cards.server";
import { retryFailedDeposits } from "~/modules/payments/deposits.server";
import { getPaymentProvider, stripePublishableKey } from "~/modules/payments/provider.server";
import { changeClinicConsent, clinicConsentOf } from "~/modules/patients/clinic-patients.server";
import { getDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSite(request, context.site);
  const { patient, db: hostDb } = await requirePatient(request, context);
  const provider = getPaymentProvider();
  const cards = await getDb()
    .forPlatform()
    .tx((tx) => listCards(tx, patient.id, provider.name));
  const url = new URL(request.url);
  // On a clinic's site: whether this clinic may hold deposits on these cards (the patient's choice).
  const clinic = context.site.kind === "clinic" ? context.site.clinic : null;
  const consent = clinic ? await hostDb.tx((tx) => clinicConsentOf(tx, clinic.id, patient.id)) : null;
  return {
    clinicDeposits: clinic && consent ? { clinicName: clinic.name, allowed: consent.depositsAllowed } : null,
    cards: cards.map((c) => ({ id: c.id, label: c.label, expiry: c.expiry, isDefault: c.isDefault })),
    demo: provider.name === "demo",
    stripe: await browserCardSetup(getDb(), provider, payerOf(patient), stripePublishableKey()),
    done: url.searchParams.get("done"),
  };
}

export const meta: MetaFunction = () => [{ title: "Your cards" }];

const cardsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), cardNumber: z.string().optional(), cardExpiry: z.string().optional(), cardCvc: z.string().optional(), setupRef: z.string().max(200).optional() }),
  z.object({ intent: z.literal("default"), cardId: z.string().uuid() }),
  z.object({ intent: z.literal("remove"), cardId: z.string().uuid() }),
  z.object({ intent: z.literal("clinic-deposits"), allowed: z.enum(["yes", "no"]) }),
]);

type ActionResult = { message: string; field: string };

export async function action({ request, context }: ActionFunctionArgs) {
  requireSite(request, context.site);
  const { patient } = await requirePatient(request, context);
  const form = cardsForm.safeParse(await readForm(request));
  if (!form.success) return data<ActionResult>({ message: "Something in the form was not understood. Please try again.", field: "card" }, { status: 400 });
  const db = getDb();
  const provider = getPaymentProvider();
  const audit = auditContextFromRequest(request, context);
  const clinicId = context.site.kind === "clinic" ? context.site.clinic.id : null;
  try {
    if (form.data.intent === "add") {
      const card = await chosenCard(db, provider, payerOf(patient), {
        card: "new",
        cardNumber: form.data.cardNumber?.replace(/[\s-]/g, ""),
        cardExpiry: form.data.cardExpiry,
        cardCvc: form.data.cardCvc,
        setupRef: form.data.setupRef || undefined,
        payNonce: "cards-page",
      });
      await db.forPlatform().tx((tx) => recordAudit(tx, { clinicId: null, actor: { type: "patient", id: patient.id }, action: "patient.card_saved", target: { type: "payment_card", id: card.id }, request: audit, details: { clinicId } }));
      // A deposit that failed for want of a working card is tried again with this one straight away.
      const retried = await retryFailedDeposits(db, provider, patient.id);
      const fixed = retried.filter((r) => r.outcome === "authorized").length;
      return redirect(`/account/cards?done=${fixed ? "fixed" : "added"}`);
    }
    if (form.data.intent === "clinic-deposits") {
      if (!clinicId) return data<ActionResult>({ message: "Choose this on the clinic's own site.", field: "card" }, { status: 400 });
      const allowed = form.data.allowed === "yes";
      await changeClinicConsent(requireClinicSite(context).db, patient.id, { kind: "deposits", allowed }, audit);
      // A deposit here that waited for a card the clinic may hold is tried again at once.
      if (allowed) await retryFailedDeposits(db, provider, patient.id);
      return redirect(`/account/cards?done=${allowed ? "allowed" : "disallowed"}`);
    }
    const { intent, cardId } = form.data;
    if (intent === "default") await makeDefaultCard(db, provider, patient.id, cardId);
    else await removeCard(db, provider, patient.id, cardId);
    await db.forPlatform().tx((tx) => recordAudit(tx, { clinicId: null, actor: { type: "patient", id: patient.id }, action: intent === "default" ? "patient.card_made_default" : "patient.card_removed", target: { type: "payment_card", id: cardId }, request: audit }));
    return redirect(`/account/cards?done=${intent === "default" ? "default" : "removed"}`);
  } catch (error) {
    if (error instanceof CardProblem) return data<ActionResult>({ message: error.message, field: error.field }, { status: 422 });
    if (error instanceof NotFoundError) return data<ActionResult>({ message: "This card is no longer on your account.", field: "card" }, { status: 404 });
    throw error;
  }
}

const DONE: Record<string, string> = {
  added: "Your card is saved and is now your default.",
  fixed: "Your card is saved, and the deposit that could not be taken before is now reserved on it.",
  default: "That card is now your default.",
  removed: "The card was removed.",
  allowed: "This clinic may now hold deposits on your saved cards.",
  disallowed: "This clinic can no longer hold deposits on your saved cards. It will ask you for a card when a visit needs a deposit.",
};

export default function CardsPage() {
  const { cards, demo, stripe, done, clinicDeposits } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const fieldError = (f: string) => (result?.field === f ? result.message : null);
  return (
    <>
      <h1 className="mb-2 mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Your cards</h1>
      <p className="mb-5 text-slate-700">One card works at every clinic you allow on Medslot. Deposits are reserved on your default card; nothing is charged unless you cancel late or miss a visit.</p>
      {result?.field === "card" ? <Alert tone="error">{result.message}</Alert> : null}
      {done && DONE[done] && !result ? (
        <Alert tone="info">
          <span data-testid="cards-done">{DONE[done]}</span>
        </Alert>
      ) : null}
      {cards.length ? (
        <ul className="space-y-3" data-testid="saved-cards">
          {cards.map((c) => (
            <li key={c.id} className="card flex flex-wrap items-center justify-between gap-3 p-4" data-testid="saved-card">
              <div>
                <p className="font-semibold text-slate-900">
                  {c.label}
                  {c.isDefault ? <span className="ml-2 rounded-full bg-brand-soft px-2 py-0.5 text-xs font-semibold text-slate-900">Default</span> : null}
                </p>
                <p className="text-sm text-slate-600">Expires {c.expiry}</p>
              </div>
              <div className="flex gap-2">
                {!c.isDefault ? (
                  <Form method="post">
                    <input type="hidden" name="cardId" value={c.id} />
                    <button type="submit" name="intent" value="default" className="btn-secondary min-h-11 px-4" disabled={busy}>
                      Make default<span className="sr-only"> {c.label}</span>
                    </button>
                  </Form>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="cardId" value={c.id} />
                  <button type="submit" name="intent" value="remove" className="btn-secondary min-h-11 px-4" disabled={busy}>
                    Remove<span className="sr-only"> {c.label}</span>
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="card p-5 text-slate-700" data-testid="no-cards">
          No card saved yet. You can add one here or when you book a visit with a deposit.
        </p>
      )}
      {clinicDeposits ? (
        <Form method="post" className="card mt-6 p-4 sm:p-6" data-testid="clinic-deposits">
          <h2 className="text-lg font-semibold text-slate-900">Deposits at {clinicDeposits.clinicName}</h2>
          <p className="mt-1 text-sm text-slate-700">
            {clinicDeposits.allowed
              ? `${clinicDeposits.clinicName} may hold deposits on your saved cards for your visits there.`
              : `${clinicDeposits.clinicName} cannot see or use your saved cards. Allow it to hold deposits on them for visits booked by its front desk.`}
          </p>
          <input type="hidden" name="allowed" value={clinicDeposits.allowed ? "no" : "yes"} />
          <button type="submit" name="intent" value="clinic-deposits" className="btn-secondary mt-3 min-h-11 px-4" disabled={busy}>
            {clinicDeposits.allowed ? "Stop allowing this clinic" : "Allow this clinic to hold deposits"}
          </button>
        </Form>
      ) : null}
      <Form method="post" className="card mt-6 p-4 sm:p-6" noValidate>
        <h2 className="text-lg font-semibold text-slate-900">Add a card</h2>
        {demo ? <DemoPaymentsNote /> : null}
        <div className="mt-3">
          <NewCardFields demo={demo} stripe={stripe} fieldError={fieldError} />
        </div>
        <button type="submit" name="intent" value="add" className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy}>
          {busy ? "Saving…" : "Save card"}
        </button>
      </Form>
    </>
  );
}
