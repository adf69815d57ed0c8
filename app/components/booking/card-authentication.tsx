import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

export interface CardCheck {
  id: string;
  provider: "stripe" | "demo";
  clientSecret: string;
  cardLabel: string;
  /** Until when the booking waits for the bank, on the clinic's clock ("14:05"). */
  until: string;
}

interface StripeWithNextAction {
  handleNextAction(options: { clientSecret: string }): Promise<{ paymentIntent?: { status: string }; error?: { message?: string } }>;
}

/**
 * The bank's own check of the deposit card (3-D Secure), over the review page. With Stripe,
 * Stripe.js shows the bank's challenge (handleNextAction) and the page then asks our server to
 * finish; the demo shows its own bank page with "approve" and "fail", like Stripe's test page.
 * Both post plain forms, so the demo works without JavaScript too.
 */
export function CardAuthentication({ check, holdId, publishableKey, message }: { check: CardCheck; holdId: string; publishableKey: string | null; message: string | null }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const busy = useNavigation().state !== "idle";
  useEffect(() => headingRef.current?.focus(), [check.id]);
  const until = check.until;
  const hidden = (
    <>
      <input type="hidden" name="hold" value={holdId} />
      <input type="hidden" name="authentication" value={check.id} />
    </>
  );
  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-slate-900/60 p-0 sm:items-center sm:p-4" data-testid="card-check">
      {/* Escape is "stop", as closing a bank's window would be. */}
      <div onKeyDown={(e) => e.key === "Escape" && stopRef.current?.click()} role="dialog" aria-modal="true" aria-labelledby="card-check-title" aria-describedby="card-check-text" className="w-full max-w-md rounded-t-2xl bg-white p-5 shadow-xl sm:rounded-2xl sm:p-6">
        <h2 id="card-check-title" ref={headingRef} tabIndex={-1} className="text-xl font-bold text-slate-900 outline-none">
          Confirm with your bank
        </h2>
        <p id="card-check-text" className="mt-2 text-sm text-slate-700">
          Your bank wants to make sure it is you before the deposit is held on {check.cardLabel}. Your time stays held until {until}.
        </p>
        {message ? (
          <p role="status" className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
            {message}
          </p>
        ) : null}
        {check.provider === "demo" ? (
          <DemoBank hidden={hidden} busy={busy} />
        ) : (
          <StripeCheck check={check} holdId={holdId} publishableKey={publishableKey} />
        )}
        <Form method="post" className="mt-3">
          {hidden}
          <button ref={stopRef} type="submit" name="intent" value="stop-authentication" className="btn-secondary min-h-12 w-full text-base" disabled={busy} data-testid="card-check-stop">
            Stop and use another card
          </button>
        </Form>
      </div>
    </div>
  );
}

/** The demo's stand-in for the bank's page: the patient decides how the bank answers. */
function DemoBank({ hidden, busy }: { hidden: React.ReactNode; busy: boolean }) {
  return (
    <Form method="post" className="mt-4 rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200" data-testid="demo-bank">
      {hidden}
      <input type="hidden" name="intent" value="finish-authentication" />
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">Demo bank · no card is charged</p>
      <p className="mt-1 text-sm text-slate-800">This is where your bank would ask for a code or its app. Choose how the bank answers.</p>
      <div className="mt-3 grid gap-2 sm:grid-cols-2">
        {/* The bank's page, not the clinic's: its own plain colours. */}
        <button type="submit" name="bankAnswer" value="approve" className="btn min-h-12 bg-slate-900 text-base text-white hover:bg-slate-800" disabled={busy}>
          Approve
        </button>
        <button type="submit" name="bankAnswer" value="fail" className="btn-secondary min-h-12 text-base" disabled={busy}>
          Fail
        </button>
      </div>
    </Form>
  );
}

/** Stripe.js runs the bank's challenge; whatever it says, our server asks Stripe how it ended. */
function StripeCheck({ check, holdId, publishableKey }: { check: CardCheck; holdId: string; publishableKey: string | null }) {
  const submit = useSubmit();
  const [state, setState] = useState<"loading" | "failed">("loading");
  useEffect(() => {
    let cancelled = false;
    const finish = () => submit({ intent: "finish-authentication", hold: holdId, authentication: check.id }, { method: "post" });
    const run = async () => {
      if (cancelled || !window.Stripe || !publishableKey) return setState("failed");
      const stripe = window.Stripe(publishableKey) as unknown as StripeWithNextAction;
      await stripe.handleNextAction({ clientSecret: check.clientSecret }).catch(() => null);
      // An error here (the patient closed the challenge, the bank said no) is read back from Stripe by the server.
      if (!cancelled) finish();
    };
    if (window.Stripe) void run();
    else {
      const script = document.createElement("script");
      script.src = "https://js.stripe.com/v3/";
      script.onload = () => void run();
      script.onerror = () => setState("failed");
      document.head.appendChild(script);
    }
    return () => {
      cancelled = true;
    };
  }, [check.id, check.clientSecret, holdId, publishableKey, submit]);
  return state === "failed" ? (
    <p role="alert" className="mt-4 text-sm font-medium text-red-800">
      Your bank&apos;s check could not load. Check your connection, or stop and use another card.
    </p>
  ) : (
    <p role="status" className="mt-4 flex items-center gap-2 text-sm text-slate-700">
      <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand" />
      Opening your bank&apos;s check…
    </p>
  );
}
