import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CardAuthentication, type CardCheck } from "~/components/booking/card-authentication";
import { CardPicker } from "~/components/booking/card-picker";
import { Alert, StepHeader } from "~/components/booking/step-header";
import { VisitDetails } from "~/components/booking/visit-details";
import { HoldCountdown } from "~/components/booking/hold-countdown";
import { PersonFields, type PersonErrors, type PersonValues } from "~/components/family-fields";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { getViewer, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { readHolder } from "~/modules/booking-flow/browser-hold.server";
import { bookHref, VISIT_NOTE_MAX, type Choice } from "~/modules/booking-flow/choice";
import { confirmForm, parseChoice } from "~/modules/booking-flow/choice.server";
import { formatTime } from "~/lib/format";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { confirmBooking, familyOf, holdGone, letGoOfHold, reviewHold, type HoldGone } from "~/modules/booking-flow/flow.server";
import { addDependent, parseDependentForm } from "~/modules/patient-account/family.server";
import { authenticationForm, finishAuthentication, stopAuthentication, type WaitingAuthentication } from "~/modules/booking-flow/card-authentication.server";
import { cardChoice, cardForm, newPayNonce } from "~/modules/booking-flow/deposit-step.server";
import { payerOf } from "~/modules/payments/cards.server";
import { getPaymentProvider, stripePublishableKey } from "~/modules/payments/provider.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where to pick a time again once the hold is gone: that day's fresh times, or the start. */
function againHref(choice: Choice | null): string {
  if (!choice?.service || !choice.location || !choice.doctor) return "/book";
  return bookHref({ service: choice.service, location: choice.location, doctor: choice.doctor, day: choice.day, for: choice.for });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const url = new URL(request.url);
  const holdId = url.searchParams.get("hold");
  if (!holdId || !UUID.test(holdId)) throw redirect("/book");
  const choice = parseChoice(url.searchParams);
  const heldBy = readHolder(request);
  const rootDb = getDb();
  const review = heldBy ? await reviewHold(db, clinic, holdId, heldBy) : null;
  const gone: HoldGone | null = review ? null : heldBy ? await holdGone(db, holdId, heldBy) : { why: "unknown" };
  const viewer = await getViewer(request, context);
  const family = review && viewer.kind === "patient" ? await familyOf(db, clinic, viewer.patient.id) : [];
  const payment =
    review && review.depositMinor > 0 && viewer.kind === "patient"
      ? await cardChoice(rootDb, getPaymentProvider(), payerOf(viewer.patient), { start: review.startsAt, depositMinor: review.depositMinor, currency: review.currency }, clinic, stripePublishableKey())
      : null;
  // After "add to my family" the page comes back with the new person chosen (?for=their id&added=1);
  // "Book again" for a family member brings them chosen too (?for=), without the "added" words.
  const chosen = family.find((f) => f.id === url.searchParams.get("for")) ?? null;
  return {
    chosen: chosen ? { id: chosen.id, name: chosen.name } : null,
    justAdded: Boolean(chosen) && url.searchParams.get("added") === "1",
    payment,
    payNonce: newPayNonce(),
    clinicName: clinic.name,
    timeZone: clinic.timeZone,
    phone: clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null,
    review,
    gone,
    againHref: againHref(choice),
    signedIn: viewer.kind === "patient",
    family,
    signInHref: `/sign-in?redirectTo=${encodeURIComponent(`${url.pathname}${url.search}`)}`,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Check your booking · ${data.clinicName}` : "Check your booking" }];

// An answer with an error status is not followed by a new read of the page; one that removed a card is.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as ActionResult | undefined)?.cardsChanged === true || defaultShouldRevalidate;

type ActionResult = {
  message: string;
  expired: boolean;
  /** Kept so a failed post shows the page as it was sent: who was chosen, the note, the new person. */
  visitFor?: string;
  /** A card problem, shown at the card step; the time stays held. */
  card?: { field: string; message: string; chosen: string };
  /** A card was removed from the account (a new one the bank refused): the saved cards are read again. */
  cardsChanged?: boolean;
  note?: string;
  /** The reason chosen from the service's list, kept with the note. */
  visitReason?: string;
  /** A field's own message, shown beside it ("note", "visitReason"). */
  errors?: Record<string, string>;
  person?: { values: PersonValues; errors: PersonErrors };
  /** The bank wants the patient to confirm the deposit: the page shows the bank's check. */
  authenticate?: CardCheck;
};

const cardCheck = (a: WaitingAuthentication, timeZone: string): CardCheck => ({ id: a.id, provider: a.provider, clientSecret: a.clientSecret, cardLabel: a.cardLabel, until: formatTime(a.expiresAt, timeZone) });

/** After the bank's check on the page: finish the booking, or say why not and let another card be tried. */
async function afterCardCheck(request: Request, context: ActionFunctionArgs["context"], raw: Record<string, unknown>) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const form = authenticationForm.safeParse(raw);
  if (!form.success) return data<ActionResult>({ message: "We could not read the answer of your bank. Please confirm your booking again.", expired: false }, { status: 400 });
  const heldBy = readHolder(request);
  if (!heldBy) return data<ActionResult>({ message: "We could not find the time you chose on this device. Please choose a time again.", expired: true }, { status: 409 });
  const req = { authenticationId: form.data.authentication, holdId: form.data.hold, heldBy, patientAccountId: patient.id, bankAnswer: form.data.bankAnswer ?? null };
  const audit = auditContextFromRequest(request, context);
  const provider = getPaymentProvider();
  const answer = form.data.intent === "finish-authentication" ? await finishAuthentication(db, getDb(), provider, clinic, req, audit) : await stopAuthentication(db, getDb(), provider, clinic, req, audit);
  if (answer.ok) return redirect(`/book/done/${answer.appointmentId}`);
  if (answer.reason === "waiting") return data<ActionResult>({ message: answer.message, expired: false, authenticate: cardCheck(answer.authentication, clinic.timeZone) });
  // A card typed for this booking that the bank refused is gone from the account: the page reads its cards again.
  if (answer.reason === "card") return data<ActionResult>({ message: answer.message, expired: false, cardsChanged: !answer.cardId, card: { field: "card", message: answer.message, chosen: answer.cardId ?? "new" } }, { status: 422 });
  if (answer.reason === "not-found") return data<ActionResult>({ message: answer.message, expired: false }, { status: 404 });
  return data<ActionResult>({ message: answer.message, expired: true }, { status: 409 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const raw = await readForm(request);
  if (raw.intent === "another-time") {
    // Signed in or not: the held time goes back to everyone now, and the times come back with the
    // same choice ("Any doctor" stays any doctor).
    const heldBy = readHolder(request);
    const viewer = await getViewer(request, context);
    if (heldBy && typeof raw.hold === "string" && UUID.test(raw.hold)) {
      await letGoOfHold(db, clinic, raw.hold, heldBy, { type: "patient", id: viewer.kind === "patient" ? viewer.patient.id : null });
    }
    return redirect(againHref(parseChoice(new URL(request.url).searchParams)));
  }
  const { patient } = await requirePatient(request, context);
  if (raw.intent === "finish-authentication" || raw.intent === "stop-authentication") return afterCardCheck(request, context, raw);
  const form = confirmForm.safeParse(raw);
  if (!form.success) {
    // What was typed comes back as it was, with the message beside the field it is about.
    const errors = fieldErrorsOf(form.error);
    const typed = (name: string, max: number) => (typeof raw[name] === "string" ? (raw[name] as string).slice(0, max) : "");
    return data<ActionResult>(
      {
        message: errors.note ?? errors.visitReason ?? "Choose who the visit is for.",
        expired: false,
        visitFor: typed("visitFor", 36) || undefined,
        note: typed("note", 2 * VISIT_NOTE_MAX),
        visitReason: typed("visitReason", 200),
        errors: { ...(errors.note ? { note: errors.note } : {}), ...(errors.visitReason ? { visitReason: errors.visitReason } : {}) },
      },
      { status: 400 },
    );
  }
  const { intent, visitFor, hold } = form.data;
  const note = form.data.note || null;
  const visitReason = form.data.visitReason || null;
  const audit = auditContextFromRequest(request, context);
  const rootDb = getDb();

  // Someone new: check what was typed first; on a mistake the page comes back with the hold, the
  // choice and everything typed still there.
  const wantsNew = intent === "add-dependent" || visitFor === "new";
  const person = wantsNew ? parseDependentForm(raw) : null;
  if (person && !person.ok) {
    return data<ActionResult>(
      { message: "Check the details of the person you are adding.", expired: false, visitFor: "new", note: note ?? "", visitReason: visitReason ?? "", person: { values: person.values, errors: person.errors } },
      { status: 400 },
    );
  }
  if (intent === "add-dependent" && person?.ok) {
    const added = await addDependent(db, rootDb, patient.id, person.data, audit);
    const url = new URL(request.url);
    url.searchParams.set("for", added.id);
    url.searchParams.set("added", "1");
    return redirect(`${url.pathname}${url.search}`);
  }

  const heldBy = readHolder(request);
  const cardInput = cardForm.safeParse(raw);
  const payment = { provider: getPaymentProvider(), form: cardInput.success ? cardInput.data : null, patient: payerOf(patient) };
  const answer = heldBy
    ? await confirmBooking(
        db,
        rootDb,
        clinic,
        {
          holdId: hold,
          heldBy,
          patientAccountId: patient.id,
          dependentId: visitFor === "self" || visitFor === "new" ? null : visitFor,
          newDependent: person?.ok ? person.data : undefined,
          note,
          visitReason,
        },
        undefined,
        audit,
        payment,
      )
    : ({ ok: false, reason: "expired", message: "We could not find the time you chose on this device. Please choose a time again." } as const);
  if (answer.ok) return redirect(`/book/done/${answer.appointmentId}`);
  if (answer.reason === "authenticate") {
    const chosenCard = typeof raw.card === "string" ? raw.card : "new";
    return data<ActionResult>({ message: "", expired: false, visitFor, note: note ?? "", visitReason: visitReason ?? "", authenticate: cardCheck(answer.authentication, clinic.timeZone), card: { field: "none", message: "", chosen: chosenCard } });
  }
  if (answer.reason === "card") {
    const chosenCard = typeof raw.card === "string" ? raw.card : "new";
    return data<ActionResult>({ message: answer.message, expired: false, visitFor, note: note ?? "", visitReason: visitReason ?? "", card: { field: answer.field, message: answer.message, chosen: chosenCard } }, { status: 422 });
  }
  if (answer.reason === "visit-reason") {
    return data<ActionResult>({ message: answer.message, expired: false, visitFor, note: note ?? "", visitReason: "", errors: { visitReason: answer.message } }, { status: 422 });
  }
  return data<ActionResult>({ message: answer.message, expired: answer.reason === "expired", visitFor: "self", note: note ?? "", visitReason: visitReason ?? "" }, { status: 409 });
}

/** Why the time is no longer held, in the words that are true for this browser. */
function goneWords(gone: HoldGone | null): string {
  switch (gone?.why) {
    case "replaced":
      return "You went back to the times since, here or in another tab, so this one was let go: we hold one time for you at once.";
    case "booked":
      return "You have already booked this time, in another tab or window.";
    case "expired":
      return "We held this time for you for 10 minutes and the hold has run out, so the time was released.";
    default:
      return "We could not find the time you chose on this device. Please choose a time again.";
  }
}

/**
 * "Reason for your visit": the service's reasons (when it lists any) as one optional choice, and a
 * free-text box for anything else; each keeps what was chosen or typed and shows its own message.
 */
function VisitReasonFields({ reasons, chosen, note, errors }: { reasons: string[]; chosen: string; note: string; errors: Record<string, string> }) {
  return (
    <fieldset className="mt-5" data-testid="visit-reason" aria-describedby={errors.visitReason ? "visit-reason-error" : undefined}>
      <legend className="text-lg font-semibold text-slate-900">Reason for your visit</legend>
      {reasons.length ? (
        <>
          <p className="mt-1 text-sm text-slate-700">Optional: it helps your doctor prepare.</p>
          <div className="mt-3 grid gap-2 sm:grid-cols-2">
            {reasons.map((r) => (
              <label key={r} className={choiceStyle}>
                <input type="radio" name="visitReason" value={r} defaultChecked={chosen === r} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                <span className="font-medium">{r}</span>
              </label>
            ))}
          </div>
          {errors.visitReason ? (
            <p id="visit-reason-error" className="field-error">
              {errors.visitReason}
            </p>
          ) : null}
        </>
      ) : null}
      <label className="field-label mt-4" htmlFor="note">
        Anything the clinic should know? <span className="font-normal text-slate-600">(optional, up to {VISIT_NOTE_MAX} characters)</span>
      </label>
      <textarea
        id="note"
        name="note"
        maxLength={VISIT_NOTE_MAX}
        rows={2}
        className="field-input"
        defaultValue={note}
        {...(errors.note ? { "aria-invalid": true, "aria-describedby": "note-error" } : {})}
      />
      {errors.note ? (
        <p id="note-error" className="field-error">
          {errors.note}
        </p>
      ) : null}
    </fieldset>
  );
}

const choiceStyle = "flex min-h-12 items-center gap-3 rounded-xl px-3 py-2 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand";

export default function ReviewBooking() {
  const { review, gone, phone, againHref, signedIn, family, signInHref, chosen, justAdded, payment, payNonce, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const errorRef = useRef<HTMLDivElement>(null);
  // A refused confirm moves focus to what went wrong, so it is seen (and read out) at once.
  useEffect(() => {
    if (result?.message && !result.authenticate) errorRef.current?.focus();
  }, [result]);

  if (!review || result?.expired) {
    return (
      <>
        <StepHeader title={gone?.why === "booked" && !result ? "This time is already booked" : "This time is no longer held"} />
        <Alert tone={gone?.why === "booked" && !result ? "info" : "error"}>
          <span data-testid="hold-gone">{result?.message ?? goneWords(gone)}</span>
        </Alert>
        {gone?.why === "booked" && !result ? (
          <a href={`/book/done/${gone.appointmentId}`} className="btn-primary min-h-12 w-full text-base sm:w-auto" data-testid="see-booking">
            See your booking
          </a>
        ) : (
          <a href={againHref} className="btn-primary min-h-12 w-full text-base sm:w-auto" data-testid="fresh-times">
            See the free times again
          </a>
        )}
      </>
    );
  }

  // A refused family member (removed meanwhile) falls back to "Me" rather than to a missing choice.
  const selected = result?.visitFor && (result.visitFor === "new" || result.visitFor === "self" || family.some((f) => f.id === result.visitFor)) ? result.visitFor : (chosen?.id ?? "self");

  return (
    <>
      <Form method="post" className="print:hidden">
        <input type="hidden" name="hold" value={review.holdId} />
        <button
          type="submit"
          name="intent"
          value="another-time"
          className="inline-flex min-h-11 items-center gap-1 rounded text-sm font-semibold text-slate-700 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950"
          data-testid="another-time"
        >
          <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
            <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 1 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0Z" />
          </svg>
          Choose another time
        </button>
      </Form>
      <StepHeader title="Check your booking">
        <HoldCountdown secondsLeft={review.secondsLeft} what="this time" againHref={againHref} />
      </StepHeader>
      {result?.message && !result.authenticate ? (
        <div ref={errorRef} tabIndex={-1} className="outline-none" data-testid="confirm-error">
          <Alert tone="error">{result.message}</Alert>
        </div>
      ) : null}
      {result?.authenticate ? <CardAuthentication check={result.authenticate} holdId={review.holdId} publishableKey={payment?.stripe?.publishableKey ?? null} message={result.message || null} /> : null}
      {chosen && justAdded && !result ? (
        <Alert tone="info">
          <span data-testid="dependent-added">{chosen.name} is now in your family and chosen below. Check the details and confirm.</span>
        </Alert>
      ) : null}
      <VisitDetails visit={review} phone={phone} start={{ at: review.startsAt, timeZone }} />
      {review.requiresApproval ? <p className="mt-4 text-sm text-slate-700">The clinic confirms this kind of visit itself; we will text you when it does.</p> : null}

      {signedIn ? (
        // The key resets the form's fields when the page comes back with another answer.
        <Form method="post" className="card mt-6 p-4 sm:p-6" key={`${selected}-${result?.message ?? ""}`} noValidate>
          <input type="hidden" name="hold" value={review.holdId} />
          <fieldset className="group">
            <legend className="text-lg font-semibold text-slate-900">Who is the visit for?</legend>
            <div className="mt-3 space-y-2" data-testid="visit-for">
              <label className={choiceStyle}>
                <input type="radio" name="visitFor" value="self" defaultChecked={selected === "self"} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                <span className="font-medium">Me</span>
              </label>
              {family.map((f) => (
                <label key={f.id} className={choiceStyle}>
                  <input type="radio" name="visitFor" value={f.id} defaultChecked={selected === f.id} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                  <span className="font-medium">{f.name}</span>
                  <span className="text-sm text-slate-600">({f.relationship})</span>
                </label>
              ))}
              <label className={choiceStyle}>
                <input id="visit-new" type="radio" name="visitFor" value="new" defaultChecked={selected === "new"} aria-controls="new-person" className="h-5 w-5 accent-[rgb(var(--brand))]" />
                <span className="font-medium">Someone else in my family</span>
              </label>
            </div>
            {/* Shown by CSS alone while "Someone else" is chosen, so it works without JavaScript too. */}
            <div id="new-person" className="mt-3 hidden rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200 group-has-[#visit-new:checked]:block" data-testid="new-person">
              <p className="mb-3 text-sm text-slate-700">Tell us who they are. We add them to your family, so next time you can simply choose them.</p>
              <PersonFields idPrefix="new-person" values={result?.person?.values} errors={result?.person?.errors} />
              <button type="submit" name="intent" value="add-dependent" className="btn-secondary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy} data-testid="add-dependent">
                Add to my family
              </button>
            </div>
          </fieldset>
          <VisitReasonFields reasons={review.visitReasons} chosen={result?.visitReason ?? ""} note={result?.note ?? ""} errors={result?.errors ?? {}} />
          {payment ? <CardPicker {...payment} nonce={payNonce} problem={result?.card?.message ? result.card : null} chosen={result?.card?.chosen} /> : null}
          <button type="submit" name="intent" value="confirm" className="btn-primary mt-5 min-h-12 w-full text-base" disabled={busy}>
            Confirm booking
          </button>
        </Form>
      ) : (
        <div className="card mt-6 p-4 sm:p-6" data-testid="sign-in-to-confirm">
          <h2 className="text-lg font-semibold text-slate-900">Sign in to confirm</h2>
          <p className="mt-1 text-sm text-slate-700">We text you a code; new here? Signing in creates your account. Your time stays held while you do.</p>
          <a href={signInHref} className="btn-primary mt-4 min-h-12 w-full text-base">
            Sign in with your phone
          </a>
        </div>
      )}
    </>
  );
}
