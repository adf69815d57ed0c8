import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Notice } from "~/components/auth-card";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { PaymentProviderUnavailableError } from "~/modules/payments/provider";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { payoutStatus, refreshPayoutStatus, startPayoutOnboarding, type PayoutStatus } from "~/modules/payments/payouts.server";
import { siteOrigin } from "~/utils/public-urls.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Payouts · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "payouts");
  const provider = getPaymentProvider();
  if (provider.name === "demo") return { demo: true as const, status: null, notice: null, unavailable: false };
  const from = new URL(request.url).searchParams.get("stripe");
  let status: PayoutStatus;
  let unavailable = false;
  try {
    // Back from Stripe: ask how the account stands now rather than wait for the webhook.
    status = from === "return" ? await refreshPayoutStatus(db, provider) : await payoutStatus(db);
  } catch (error) {
    if (!(error instanceof PaymentProviderUnavailableError)) throw error;
    status = await payoutStatus(db);
    unavailable = true;
  }
  const notice = from === "refresh" ? "The onboarding link expired. Continue to get a new one." : from === "return" && !status.detailsSubmitted ? "Stripe still needs some details. Continue where you left off." : null;
  return { demo: false as const, status, notice, unavailable };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "payouts");
  const form = await readForm(request);
  if (form.intent !== "start-onboarding") return data({ error: "Unknown action." }, { status: 400 });
  const provider = getPaymentProvider();
  if (provider.name === "demo") return data({ error: "Demo payments need no payout account." }, { status: 400 });
  // Stripe sends the owner back here: the clinic's configured address, not the request's.
  const page = `${siteOrigin(context.site)}/panel/payouts`;
  try {
    const { url } = await startPayoutOnboarding(db, provider, staff.email, { refreshUrl: `${page}?stripe=refresh`, returnUrl: `${page}?stripe=return` }, {
      actor: { type: "staff", id: staff.id },
      request: auditContextFromRequest(request, context),
    });
    return redirect(url);
  } catch (error) {
    if (error instanceof PaymentProviderUnavailableError) return data({ error: "Stripe could not be reached. Try again in a few minutes." }, { status: 503 });
    throw error;
  }
}

export default function PanelPayouts() {
  const { demo, status, notice, unavailable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string } | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PanelHeading title="Payouts">
        <p>Deposits are paid to the clinic&apos;s Stripe account, less the platform fee.</p>
      </PanelHeading>
      <section aria-labelledby="payout-account" className="card max-w-2xl p-5 sm:p-6">
        <h2 id="payout-account" className="mb-4 text-lg font-semibold text-slate-900">
          Payout account
        </h2>
        {demo ? (
          <p className="text-sm text-slate-700" data-testid="payouts-demo">
            Demo payments: no account needed, no money moves.
          </p>
        ) : (
          <>
            {notice ? <Notice>{notice}</Notice> : null}
            {unavailable ? <Notice tone="error">Stripe could not be reached; the status below may be out of date.</Notice> : null}
            {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
            <dl className="divide-y divide-slate-100">
              <Fact label="Account">{status?.accountRef ? <span className="font-mono text-sm">{status.accountRef}</span> : "Not set up yet"}</Fact>
              <Fact label="Details submitted">
                <YesNo yes={!!status?.detailsSubmitted} />
              </Fact>
              <Fact label="Charges enabled">
                <YesNo yes={!!status?.chargesEnabled} />
              </Fact>
              <Fact label="Payouts enabled">
                <YesNo yes={!!status?.payoutsEnabled} />
              </Fact>
            </dl>
            <p className="mt-4 text-sm text-slate-600">
              {status?.chargesEnabled
                ? "Deposits settle to this account. You can update its details on Stripe at any time."
                : "Until charges are enabled, deposits are held by the platform and not paid out to the clinic."}
            </p>
            <Form method="post" className="mt-4">
              <button type="submit" name="intent" value="start-onboarding" className="btn-primary" disabled={busy}>
                {status?.accountRef ? "Continue on Stripe" : "Set up payouts on Stripe"}
              </button>
            </Form>
          </>
        )}
      </section>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2.5 sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

function YesNo({ yes }: { yes: boolean }) {
  return <Pill tone={yes ? "good" : "warn"}>{yes ? "Yes" : "Not yet"}</Pill>;
}
