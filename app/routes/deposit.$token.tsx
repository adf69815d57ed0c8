import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DemoPaymentsNote, NewCardFields } from "~/components/booking/card-picker";
import { Alert } from "~/components/booking/step-header";
import { ClinicHeader } from "~/components/clinic-header";
import { SiteFooter } from "~/components/site-footer";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { completeDepositLink, depositLinkCardSetup, depositLinkForm, depositLinkView, STATE_WORDS, type DepositLinkAnswer } from "~/modules/payments/deposit-links.server";
import { getPaymentProvider, stripePublishableKey } from "~/modules/payments/provider.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { firstMessage } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Deposit for your visit" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

/**
 * The page of the link a clinic texts when a visit awaits a deposit: the link is the permission (it
 * reached the patient's phone), so no sign-in is needed. It shows the visit, the amount and the
 * deadline, and takes a new card or the patient's allowance to hold one they saved.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const provider = getPaymentProvider();
  const view = await depositLinkView(db, getDb(), provider, clinic, params.token, new Date(), auditContextFromRequest(request, context));
  if (!view) throw notFound();
  const stripe = view.state === "open" ? await depositLinkCardSetup(db, getDb(), provider, clinic, params.token, stripePublishableKey()) : null;
  return { ...view, demo: provider.name === "demo", stripe, stateWords: view.state === "open" ? null : STATE_WORDS[view.state] };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const form = depositLinkForm.safeParse(await readForm(request));
  if (!form.success) return data<DepositLinkAnswer>({ ok: false, message: firstMessage(form.error, "Something in the form was not understood. Please try again."), field: "card" }, { status: 400 });
  const answer = await completeDepositLink(db, getDb(), getPaymentProvider(), clinic, params.token, form.data, auditContextFromRequest(request, context));
  if (!answer) throw notFound();
  return data<DepositLinkAnswer>(answer, { status: answer.ok ? 200 : answer.state ? 409 : 422 });
}

export default function DepositLinkPage() {
  const view = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as DepositLinkAnswer | undefined;
  const busy = useNavigation().state !== "idle";
  const root = useRootData();
  const clinic = root?.site.kind === "clinic" ? root.site.clinic : null;
  const fieldError = (f: string) => (answer && !answer.ok && answer.field === f ? answer.message : null);
  const done = answer?.ok ? answer : null;
  const open = view.state === "open" && !done;

  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      {clinic ? <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={root?.viewer ?? { kind: "anonymous" }} /> : null}
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-xl px-4 pb-12 pt-6 sm:px-6 sm:pt-10">
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Deposit for your visit</h1>
          <section className="card mt-4 p-5" aria-label="Your visit" data-testid="deposit-link-visit">
            <p className="text-lg font-semibold text-slate-900">{view.serviceName}</p>
            {view.forName ? <p className="text-slate-700">For {view.forName}</p> : null}
            <p className="text-slate-700">{view.when}</p>
            <p className="mt-2 text-slate-900">
              Deposit <strong>{view.amount}</strong>
            </p>
            <p className="text-slate-700" data-testid="deposit-link-deadline">
              Add a card by <strong>{view.deadline}</strong> to keep this visit.
            </p>
          </section>

          {done ? (
            <div className="mt-4">
              <Alert tone="info">
                <span data-testid="deposit-link-done">
                  {done.outcome === "held" ? `Thank you: ${view.amount} is reserved on your card. Nothing is charged unless you cancel late or miss the visit.` : "Thank you: your card is on file for this visit. The deposit is reserved on it 5 days before, and nothing is charged unless you cancel late or miss the visit."}
                </span>
              </Alert>
            </div>
          ) : null}
          {view.stateWords ? (
            <p role="status" className="card mt-4 p-5 text-slate-800" data-testid="deposit-link-state" data-state={view.state}>
              {view.stateWords}
            </p>
          ) : null}
          {answer && !answer.ok && answer.field === "card" ? (
            <div className="mt-4">
              <Alert tone="error">{answer.message}</Alert>
            </div>
          ) : null}

          {open && view.cards.length ? (
            <Form method="post" className="card mt-4 p-4 sm:p-6" data-testid="deposit-link-allow">
              <fieldset>
                <legend className="text-lg font-semibold text-slate-900">Use a saved card</legend>
                <p className="mt-1 text-sm text-slate-700">This also allows the clinic to hold deposits on your saved cards for your visits here. You can turn this off in your account.</p>
                <div className="mt-3 space-y-2">
                  {view.cards.map((c, i) => (
                    <label key={c.id} className="flex min-h-11 items-center gap-3 rounded-lg px-2 ring-1 ring-slate-200">
                      <input type="radio" name="cardId" value={c.id} defaultChecked={c.isDefault || i === 0} className="h-5 w-5" />
                      <span className="text-slate-900">{c.label}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <button type="submit" name="intent" value="allow" className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy}>
                {busy ? "Saving…" : "Use this card"}
              </button>
            </Form>
          ) : null}

          {open ? (
            <Form method="post" className="card mt-4 p-4 sm:p-6" noValidate data-testid="deposit-link-add">
              <h2 className="text-lg font-semibold text-slate-900">Add a card</h2>
              {view.demo ? <DemoPaymentsNote /> : null}
              <div className="mt-3">
                <NewCardFields demo={view.demo} stripe={view.stripe} fieldError={fieldError} />
              </div>
              <button type="submit" name="intent" value="add" className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy}>
                {busy ? "Saving…" : "Save card"}
              </button>
            </Form>
          ) : null}
        </div>
      </main>
      <SiteFooter marketplaceUrl={root?.marketplaceUrl ?? "/"} clinicName={clinic?.name} />
    </div>
  );
}
