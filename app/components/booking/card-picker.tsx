import { useEffect, useRef, useState } from "react";
import { expiryAsTyped } from "~/lib/card-expiry";
import { walletPaymentRequest, type WalletDeposit } from "~/modules/payments/wallet";

export interface CardPickerProps {
  demo: boolean;
  cards: { id: string; label: string; expiry: string; isDefault: boolean }[];
  holdText: string;
  /** One per page view, so a resubmitted page never holds the deposit twice. */
  nonce: string;
  /** Stripe only: the publishable key and the client secret of this page's SetupIntent. */
  stripe: { publishableKey: string; clientSecret: string } | null;
  problem: { field: string; message: string } | null;
  /** What was chosen before the page came back with a problem. */
  chosen?: string;
  /** Rendered inside the card fieldset's legend row (e.g. "Deposit"). */
  title?: string;
  /** Apple Pay / Google Pay for this deposit (decision 043); none on pages that only save a card. */
  wallet?: WalletDeposit | null;
}

const choiceStyle = "flex min-h-12 items-center gap-3 rounded-xl px-3 py-2 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand";

/** Says plainly that nothing is charged in the demo, and which test cards do what. */
export function DemoPaymentsNote() {
  return (
    <p className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200" data-testid="demo-payments">
      <strong>Demo payments — no card is charged.</strong> Use 4242 4242 4242 4242 with any future expiry and any CVC; 4000 0000 0000 9995 is declined for insufficient funds; 4000 0027 6000 3184 asks for your bank&apos;s confirmation.
    </p>
  );
}

/** The deposit's card: a saved card, or a new one (the demo form, or Stripe's secure field). */
export function CardPicker({ demo, cards, holdText, nonce, stripe, problem, chosen, title = "Deposit", wallet = null }: CardPickerProps) {
  const selected = chosen ?? cards.find((c) => c.isDefault)?.id ?? (cards[0]?.id || "new");
  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <fieldset className="group/card mt-6 border-t border-slate-200 pt-5" data-testid="card-picker">
      <legend className="text-lg font-semibold text-slate-900">{title}</legend>
      <p className="mt-1 text-sm text-slate-700">{holdText}</p>
      {demo ? <DemoPaymentsNote /> : null}
      <input type="hidden" name="payNonce" value={nonce} />
      {wallet && demo ? (
        <p className="mt-2 text-sm text-slate-600" data-testid="wallet-unavailable">
          Apple Pay and Google Pay are not available in the demo: they need the clinic&apos;s real card payments. Use a test card below.
        </p>
      ) : null}
      {wallet && stripe ? <WalletButton {...stripe} deposit={wallet} /> : null}
      {problem?.field === "card" ? (
        <p role="alert" className="mt-3 text-sm font-medium text-red-800" data-testid="card-error">
          {problem.message}
        </p>
      ) : null}
      {cards.length ? (
        <div className="mt-3 space-y-2">
          {cards.map((c) => (
            <label key={c.id} className={choiceStyle}>
              <input type="radio" name="card" value={c.id} defaultChecked={selected === c.id} className="h-5 w-5 accent-[rgb(var(--brand))]" />
              <span className="font-medium">{c.label}</span>
              <span className="text-sm text-slate-600">expires {c.expiry}</span>
              {c.isDefault ? <span className="text-xs font-semibold uppercase text-slate-600">default</span> : null}
            </label>
          ))}
          <label className={choiceStyle}>
            <input id="card-new" type="radio" name="card" value="new" defaultChecked={selected === "new"} aria-controls="new-card" className="h-5 w-5 accent-[rgb(var(--brand))]" />
            <span className="font-medium">A new card</span>
          </label>
        </div>
      ) : (
        <input type="hidden" name="card" value="new" />
      )}
      {/* Shown while "A new card" is chosen (by CSS alone, so it works without JavaScript), or when no card is saved yet. */}
      <div id="new-card" className={`mt-3 rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200 ${cards.length ? "hidden group-has-[#card-new:checked]/card:block" : ""}`} data-testid="new-card">
        <NewCardFields demo={demo} stripe={stripe} fieldError={fieldError} />
        {problem && problem.field !== "card" && !demo ? (
          <p role="alert" className="mt-2 text-sm font-medium text-red-800">
            {problem.message}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}

/** A new card: the demo's test-card fields, or Stripe's secure field. */
export function NewCardFields({ demo, stripe, fieldError }: { demo: boolean; stripe: CardPickerProps["stripe"]; fieldError: (f: string) => string | null }) {
  if (demo) return <DemoCardFields fieldError={fieldError} />;
  if (stripe) return <StripeCardField {...stripe} />;
  return <p className="text-sm text-slate-700">Card payments are not available right now. Please call the clinic.</p>;
}

/** A phone's numeric keypad has no "/": it goes in after the month as the patient types. */
function slashAsTyped(event: React.FormEvent<HTMLInputElement>) {
  const input = event.currentTarget;
  const deleting = (event.nativeEvent as InputEvent).inputType?.startsWith("delete") ?? false;
  const next = expiryAsTyped(input.value, deleting);
  if (next !== input.value) input.value = next;
}

function DemoCardFields({ fieldError }: { fieldError: (f: string) => string | null }) {
  const field = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement>, span = "sm:col-span-2") => {
    const error = fieldError(name);
    return (
      <div className={span}>
        <label className="field-label" htmlFor={name}>
          {label}
        </label>
        <input id={name} name={name} className="field-input" aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined} {...props} />
        {error ? (
          <p id={`${name}-error`} className="mt-1 text-sm text-red-800" data-testid="card-error">
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <div className="grid gap-3 sm:grid-cols-4">
      {field("cardNumber", "Card number", { inputMode: "numeric", autoComplete: "cc-number", placeholder: "4242 4242 4242 4242", maxLength: 23 }, "sm:col-span-4")}
      {field("cardExpiry", "Expiry (MM/YY)", { inputMode: "numeric", autoComplete: "cc-exp", placeholder: "MM/YY", maxLength: 7, onInput: slashAsTyped })}
      {field("cardCvc", "Security code", { inputMode: "numeric", autoComplete: "cc-csc", placeholder: "123", maxLength: 4 })}
    </div>
  );
}

interface PaymentRequest {
  canMakePayment(): Promise<Record<string, boolean> | null>;
  on(event: "paymentmethod", handler: (event: { paymentMethod: { id: string }; complete(status: "success" | "fail"): void }) => void): void;
}
interface StripeJs {
  elements(options?: { clientSecret: string }): { create(kind: "payment" | "paymentRequestButton", options?: { paymentRequest: PaymentRequest }): { mount(el: HTMLElement): void } };
  confirmSetup(options: { elements: unknown; redirect: "if_required" }): Promise<{ setupIntent?: { id: string; status: string }; error?: { message?: string } }>;
  confirmCardSetup(clientSecret: string, data?: { payment_method: string }, options?: { handleActions: boolean }): Promise<{ setupIntent?: { id: string; status: string }; error?: { message?: string } }>;
  paymentRequest(options: ReturnType<typeof walletPaymentRequest>): PaymentRequest;
}
declare global {
  interface Window {
    Stripe?: (key: string) => StripeJs;
  }
}

/** Stripe.js from Stripe's own host (as Stripe requires), once per page; null when it cannot load. */
function loadStripe(publishableKey: string): Promise<StripeJs | null> {
  return new Promise((resolve) => {
    if (window.Stripe) return resolve(window.Stripe(publishableKey));
    let script = document.querySelector<HTMLScriptElement>('script[src="https://js.stripe.com/v3/"]');
    if (!script) {
      script = document.createElement("script");
      script.src = "https://js.stripe.com/v3/";
      document.head.appendChild(script);
    }
    script.addEventListener("load", () => resolve(window.Stripe ? window.Stripe(publishableKey) : null));
    script.addEventListener("error", () => resolve(null));
  });
}

/**
 * Apple Pay or Google Pay, where this browser has one (Stripe's Payment Request button shows
 * nothing otherwise). The wallet's card is saved on the page's SetupIntent, then the booking is
 * confirmed with it like a card typed into Stripe's field.
 */
function WalletButton({ publishableKey, clientSecret, deposit }: { publishableKey: string; clientSecret: string; deposit: WalletDeposit }) {
  const mountRef = useRef<HTMLDivElement>(null);
  const [offered, setOffered] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadStripe(publishableKey).then(async (stripe) => {
      if (!stripe || cancelled || !mountRef.current) return;
      const request = stripe.paymentRequest(walletPaymentRequest(deposit));
      if (!(await request.canMakePayment()) || cancelled || !mountRef.current) return;
      stripe.elements().create("paymentRequestButton", { paymentRequest: request }).mount(mountRef.current);
      setOffered(true);
      request.on("paymentmethod", async (event) => {
        const saved = await stripe.confirmCardSetup(clientSecret, { payment_method: event.paymentMethod.id }, { handleActions: false });
        if (saved.error || !saved.setupIntent) {
          event.complete("fail");
          return setMessage(saved.error?.message ?? "Your wallet's card could not be used. Try another card.");
        }
        event.complete("success");
        // The bank may still want its own check of the card before it is saved.
        const done = saved.setupIntent.status === "requires_action" ? await stripe.confirmCardSetup(clientSecret) : saved;
        if (done.error || !done.setupIntent) return setMessage(done.error?.message ?? "Your bank did not confirm the card. Try another card.");
        const form = mountRef.current?.closest("form");
        if (!form) return;
        const setupRef = form.querySelector<HTMLInputElement>('input[name="setupRef"]');
        if (setupRef) setupRef.value = done.setupIntent.id;
        const newCard = form.querySelector<HTMLInputElement>('input[name="card"][value="new"]');
        if (newCard) newCard.checked = true;
        form.requestSubmit(form.querySelector<HTMLButtonElement>('button[type="submit"][name="intent"][value="confirm"]') ?? undefined);
      });
    });
    return () => {
      cancelled = true;
    };
  }, [publishableKey, clientSecret, deposit]);
  return (
    <div className={offered ? "mt-3" : ""} data-testid="wallet-button">
      <div ref={mountRef} />
      {offered ? <p className="mt-2 text-center text-sm text-slate-600">or choose a card below</p> : null}
      {message ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Stripe's own card field (the number never reaches our server). On submit the SetupIntent is
 * confirmed in the browser first; its id then goes with the form and the server saves that card.
 */
function StripeCardField({ publishableKey, clientSecret }: { publishableKey: string; clientSecret: string }) {
  const mountRef = useRef<HTMLDivElement>(null);
  const setupRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let cancelled = false;
    let detach = () => {};
    const start = (stripe: StripeJs) => {
      if (cancelled || !mountRef.current) return;
      const elements = stripe.elements({ clientSecret });
      elements.create("payment").mount(mountRef.current);
      setReady(true);
      const form = mountRef.current.closest("form");
      const onSubmit = async (event: SubmitEvent) => {
        const choice = form?.querySelector<HTMLInputElement>('input[name="card"]:checked, input[type="hidden"][name="card"]');
        // A form without a card choice (the cards page) only ever adds a new card.
        const newCard = !choice || choice.value === "new";
        if (!newCard || setupRef.current?.value) return;
        event.preventDefault();
        const result = await stripe.confirmSetup({ elements, redirect: "if_required" });
        if (result.error || !result.setupIntent) return setMessage(result.error?.message ?? "Your card could not be saved. Try another card.");
        setupRef.current!.value = result.setupIntent.id;
        form?.requestSubmit((event.submitter as HTMLElement | null) ?? undefined);
      };
      form?.addEventListener("submit", onSubmit, { capture: true });
      detach = () => form?.removeEventListener("submit", onSubmit, { capture: true });
    };
    void loadStripe(publishableKey).then((stripe) => {
      if (stripe) start(stripe);
      else if (!cancelled) setMessage("The secure card field could not load. Check your connection and reload the page.");
    });
    return () => {
      cancelled = true;
      detach();
    };
  }, [publishableKey, clientSecret]);
  return (
    <div>
      <input ref={setupRef} type="hidden" name="setupRef" />
      <div ref={mountRef} aria-label="Card details" className="min-h-12" />
      {!ready && !message ? <p className="text-sm text-slate-600">Loading the secure card field…</p> : null}
      {message ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {message}
        </p>
      ) : null}
      <noscript>
        <p className="text-sm text-slate-700">Adding a new card needs JavaScript; a saved card works without it.</p>
      </noscript>
    </div>
  );
}
