import { data, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthCard, Field, Notice } from "~/components/auth-card";
import { PHONE_MAX_LENGTH } from "~/modules/auth/field-limits";
import { patientSignInForm } from "~/modules/auth/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { forgetViewer, getViewer, notFound, requirePatient, safeRedirectPath, sessionHostFor } from "~/modules/auth/guards.server";
import { requestSignInCode, savePatientName, verifySignInCode, type PatientSignInSite } from "~/modules/auth/patient-sign-in.server";
import { clearPendingPhoneCookie, pendingPhoneCookie, readPendingPhone, requestMeta } from "~/modules/auth/pending.server";
import { countryForTimeZone, formatPhone, normalizePhone } from "~/lib/phone";
import { sessionCookie } from "~/modules/auth/session.server";
import { handOffHost, MARKETPLACE } from "~/modules/auth/hand-off.server";
import { RESEND_COOLDOWN_MS } from "~/modules/auth/sign-in-rules";
import { sendSms } from "~/modules/messaging/messenger.server";
import { getDb } from "~/utils/db.server";
import { echoValue, readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Sign in" }];

function signInSite(context: AppLoadContext): PatientSignInSite & { timeZone: string | null } {
  const host = sessionHostFor(context);
  if (!host) throw notFound();
  const site = context.site;
  return { ...host, displayName: site.kind === "clinic" ? site.clinic.name : "Medslot", timeZone: site.kind === "clinic" ? site.clinic.timeZone : null };
}

function signInUrl(redirectTo: string) {
  return redirectTo === "/" ? "/sign-in" : `/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`;
}

interface Around {
  /** On a clinic's site: sign in once with the Medslot account instead (the central sign-in). */
  withMedslot: string | null;
  /** On Medslot's own site: the clinic the patient continues to once signed in. */
  continuingTo: string | null;
  /** A hand-off from another site was used, expired or meant for another browser. */
  expired: boolean;
}

type Step = ({ step: "phone" } | { step: "code"; phone: string; resendInSeconds: number } | { step: "name" }) & Around;

export async function loader({ request, context }: LoaderFunctionArgs) {
  signInSite(context);
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get("redirectTo"));
  const viewer = await getViewer(request, context);
  const around = await centralSignIn(context, redirectTo, url.searchParams.get("handOff") === "expired");
  if (viewer.kind === "patient") {
    if (!viewer.patient.firstName || !viewer.patient.lastName) return { step: "name", ...around } satisfies Step as Step;
    throw redirect(redirectTo);
  }
  const pending = readPendingPhone(request, context);
  if (pending) {
    const resendInSeconds = Math.max(0, Math.ceil((pending.sentAt + RESEND_COOLDOWN_MS - Date.now()) / 1000));
    return { step: "code", phone: formatPhone(pending.phone), resendInSeconds, ...around } satisfies Step as Step;
  }
  return { step: "phone", ...around } satisfies Step as Step;
}

/**
 * One sign-in for every site (decision 042). On a clinic's site: the way to sign in with the
 * Medslot account instead, once, on Medslot's own site. On Medslot's own site, on the way to a
 * clinic's: which clinic the patient continues to.
 */
async function centralSignIn(context: AppLoadContext, redirectTo: string, expired: boolean): Promise<Around> {
  const site = context.site;
  if (site.kind === "clinic") return { withMedslot: `/hand-off?${new URLSearchParams({ from: MARKETPLACE, next: redirectTo })}`, continuingTo: null, expired };
  const issuing = redirectTo.startsWith("/hand-off/issue?") ? new URLSearchParams(redirectTo.slice("/hand-off/issue?".length)).get("to") : null;
  const to = issuing ? await handOffHost(issuing) : null;
  return { withMedslot: null, continuingTo: to?.clinicId ? to.label : null, expired };
}

type ActionResult = { errors: Record<string, string>; values?: Record<string, string>; notice?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const site = signInSite(context);
  const form = await readForm(request);
  const parsed = patientSignInForm.safeParse(form);
  const redirectTo = safeRedirectPath(typeof form.redirectTo === "string" ? form.redirectTo : new URL(request.url).searchParams.get("redirectTo"));
  if (!parsed.success) {
    return data<ActionResult>({ errors: fieldErrorsOf(parsed.error), values: { phone: echoValue(form.phone, PHONE_MAX_LENGTH) } }, { status: 400 });
  }
  const input = parsed.data;
  const meta = requestMeta(request, context);
  const deps = { db: getDb(), messenger: { sendSms } };

  switch (input.intent) {
    case "send": {
      const phone = normalizePhone(input.phone, countryForTimeZone(site.timeZone));
      if (!phone.ok) return data<ActionResult>({ errors: { phone: phone.message }, values: { phone: input.phone } }, { status: 400 });
      const sent = await requestSignInCode(deps, site, { phone: phone.e164, ip: meta.ip }, meta);
      if (!sent.ok) {
        return data<ActionResult>(
          { errors: { phone: sent.message }, values: { phone: input.phone } },
          { status: sent.wrongNumber ? 400 : 429, headers: sent.retryAfterSeconds ? { "Retry-After": String(sent.retryAfterSeconds) } : undefined },
        );
      }
      return redirect(signInUrl(redirectTo), { headers: { "Set-Cookie": pendingPhoneCookie(request, context, { phone: phone.e164, sentAt: sent.sentAt.getTime() }) } });
    }
    case "resend": {
      const pending = readPendingPhone(request, context);
      if (!pending) return redirect(signInUrl(redirectTo));
      const sent = await requestSignInCode(deps, site, { phone: pending.phone, ip: meta.ip }, meta);
      if (!sent.ok) return data<ActionResult>({ errors: { resend: sent.message } }, { status: 429, headers: sent.retryAfterSeconds ? { "Retry-After": String(sent.retryAfterSeconds) } : undefined });
      return data<ActionResult>(
        { errors: {}, notice: `We sent a new code to ${formatPhone(pending.phone)}. Earlier codes no longer work.` },
        { headers: { "Set-Cookie": pendingPhoneCookie(request, context, { phone: pending.phone, sentAt: sent.sentAt.getTime() }) } },
      );
    }
    case "change-number":
      return redirect(signInUrl(redirectTo), { headers: { "Set-Cookie": clearPendingPhoneCookie(request) } });
    case "verify": {
      const pending = readPendingPhone(request, context);
      if (!pending) {
        return data<ActionResult>({ errors: { phone: "Your sign-in took too long. Enter your number again and we'll send a new code." } }, { status: 400 });
      }
      const result = await verifySignInCode(deps, site, { phone: pending.phone, code: input.code }, meta);
      if (!result.ok) return data<ActionResult>({ errors: { code: result.message } }, { status: 400 });
      forgetViewer(context);
      const headers = new Headers();
      headers.append("Set-Cookie", sessionCookie(request, result.token, result.session.expiresAt));
      headers.append("Set-Cookie", clearPendingPhoneCookie(request));
      return redirect(result.needsName ? signInUrl(redirectTo) : redirectTo, { headers });
    }
    case "save-name": {
      const { patient } = await requirePatient(request, context);
      await savePatientName(getDb(), site, patient.id, { firstName: input.firstName, lastName: input.lastName });
      return redirect(redirectTo);
    }
  }
}

export default function SignIn() {
  const step = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const redirectTo = params.get("redirectTo") ?? "";
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errors = result?.errors ?? {};
  const hidden = redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null;

  // Each step's card has its own key: without it React keeps the previous step's input elements,
  // and the code just typed showed up in "First name".
  if (step.step === "name") {
    return (
      <AuthCard key="name" title="What's your name?" intro="We'll use it on your appointments. You only need to tell us once.">
        <Form method="post" className="space-y-4" noValidate>
          {hidden}
          <Field label="First name" name="firstName" autoComplete="given-name" required maxLength={80} autoFocus error={errors.firstName} defaultValue={result?.values?.firstName} />
          <Field label="Last name" name="lastName" autoComplete="family-name" required maxLength={80} error={errors.lastName} defaultValue={result?.values?.lastName} />
          <button type="submit" name="intent" value="save-name" className="btn-primary w-full" disabled={busy}>
            Continue
          </button>
        </Form>
      </AuthCard>
    );
  }

  if (step.step === "code") {
    return (
      <AuthCard
        key="code"
        title="Enter your code"
        intro={
          <>
            We texted a 6-digit code to <strong className="whitespace-nowrap text-slate-900">{step.phone}</strong>. It works for 10 minutes.
          </>
        }
      >
        {result?.notice ? <Notice tone="success">{result.notice}</Notice> : null}
        {errors.phone ? <Notice tone="error">{errors.phone}</Notice> : null}
        <Form method="post" className="space-y-4" noValidate>
          {hidden}
          <Field
            label="6-digit code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={7}
            required
            autoFocus
            error={errors.code}
            className="field-input text-center text-2xl tracking-[0.5em]"
          />
          <button type="submit" name="intent" value="verify" className="btn-primary w-full" disabled={busy}>
            Sign in
          </button>
        </Form>
        <Form method="post" className="mt-4 flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-4" noValidate>
          {hidden}
          <button type="submit" name="intent" value="resend" className="btn-secondary" disabled={busy}>
            Resend code
          </button>
          <button type="submit" name="intent" value="change-number" className="text-sm font-medium text-brand underline-offset-2 hover:underline">
            Use a different number
          </button>
          {errors.resend ? (
            <p className="field-error w-full" role="alert">
              {errors.resend}
            </p>
          ) : step.resendInSeconds > 0 && !result?.notice ? (
            <p className="w-full text-sm text-slate-500">You can ask for a new code in {step.resendInSeconds} seconds.</p>
          ) : null}
        </Form>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      key="phone"
      title="Sign in"
      intro={
        step.continuingTo
          ? `One sign-in for every clinic on Medslot: enter your mobile number and we'll text you a code, then you continue to ${step.continuingTo}, signed in.`
          : "Enter your mobile number and we'll text you a code. New here? Signing in creates your account."
      }
      footer={
        <>
          Work at the clinic?{" "}
          <Link to="/staff/sign-in" className="font-medium text-brand underline-offset-2 hover:underline">
            Staff sign-in
          </Link>
        </>
      }
    >
      {step.expired ? (
        <Notice tone="error">
          <span data-testid="hand-off-expired">That sign-in from another site had expired or was already used. Sign in here instead.</span>
        </Notice>
      ) : null}
      <Form method="post" className="space-y-4" noValidate>
        {hidden}
        <Field
          label="Mobile phone number"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          required
          maxLength={PHONE_MAX_LENGTH}
          autoFocus
          hint="Include the country code if it's not a local number, e.g. +1 212 555 0123."
          error={errors.phone ?? errors.intent}
          defaultValue={result?.values?.phone}
        />
        <button type="submit" name="intent" value="send" className="btn-primary w-full" disabled={busy}>
          Send code
        </button>
      </Form>
      {step.withMedslot ? (
        <div className="mt-5 border-t border-slate-100 pt-5">
          <a href={step.withMedslot} className="btn-secondary min-h-11 w-full" data-testid="sign-in-with-medslot">
            Sign in with your Medslot account
          </a>
          <p className="mt-2 text-center text-sm text-slate-600">Signed in on Medslot already? You continue here without a new code.</p>
        </div>
      ) : null}
    </AuthCard>
  );
}
