import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthCard, Field, Notice } from "~/components/auth-card";
import { EMAIL_MAX_LENGTH } from "~/modules/auth/field-limits";
import { staffSignInForm } from "~/modules/auth/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { forgetViewer, getViewer, safeRedirectPath } from "~/modules/auth/guards.server";
import { clearPendingTotpCookie, pendingTotpCookie, readPendingTotp, requestMeta } from "~/modules/auth/pending.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { completeTotpSignIn, signInStaff, type StaffSignInResult } from "~/modules/auth/staff-sign-in.server";
import { staffSite } from "~/modules/auth/staff-site.server";
import { getDb } from "~/utils/db.server";
import { echoValue, readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Staff sign-in" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = staffSite(context);
  const url = new URL(request.url);
  const viewer = await getViewer(request, context);
  if (viewer.kind === "staff" && (viewer.operator || viewer.roles.length > 0)) throw redirect(safeRedirectPath(url.searchParams.get("redirectTo"), site.home));
  return {
    step: readPendingTotp(request, context) ? ("totp" as const) : ("password" as const),
    forAdmin: site.clinicId === null,
    passwordWasReset: url.searchParams.get("reset") === "done",
  };
}

type ActionResult = { errors: Record<string, string>; values?: { email?: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const site = staffSite(context);
  const form = await readForm(request);
  const parsed = staffSignInForm.safeParse(form);
  const redirectTo = safeRedirectPath(typeof form.redirectTo === "string" ? form.redirectTo : new URL(request.url).searchParams.get("redirectTo"), site.home);
  const email = echoValue(form.email, EMAIL_MAX_LENGTH);
  if (!parsed.success) return data<ActionResult>({ errors: fieldErrorsOf(parsed.error), values: { email } }, { status: 400 });
  const input = parsed.data;
  const meta = requestMeta(request, context);
  const deps = { db: getDb() };

  let result: StaffSignInResult;
  if (input.intent === "cancel") {
    return redirect(`/staff/sign-in${redirectTo === site.home ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`}`, { headers: { "Set-Cookie": clearPendingTotpCookie(request) } });
  } else if (input.intent === "password") {
    result = await signInStaff(deps, site, { email: input.email, password: input.password }, meta);
  } else {
    const pending = readPendingTotp(request, context);
    if (!pending) return data<ActionResult>({ errors: { form: "That took too long. Sign in with your email and password again." } }, { status: 400, headers: { "Set-Cookie": clearPendingTotpCookie(request) } });
    result = await completeTotpSignIn(deps, site, { staffUserId: pending.staffUserId, code: input.code }, meta);
  }

  switch (result.kind) {
    case "refused":
      return data<ActionResult>(
        { errors: input.intent === "totp" ? { code: result.message } : { form: result.message }, values: { email } },
        result.retryAfterSeconds ? { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } } : { status: 400 },
      );
    case "totp-required":
      return redirect(`/staff/sign-in${redirectTo === site.home ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`}`, {
        headers: { "Set-Cookie": pendingTotpCookie(request, context, result.staffUserId) },
      });
    case "signed-in": {
      forgetViewer(context);
      const headers = new Headers();
      headers.append("Set-Cookie", sessionCookie(request, result.token, result.session.expiresAt));
      headers.append("Set-Cookie", clearPendingTotpCookie(request));
      return redirect(redirectTo, { headers });
    }
  }
}

export default function StaffSignIn() {
  const { step, forAdmin, passwordWasReset } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const redirectTo = params.get("redirectTo") ?? "";
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  const hidden = redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null;

  if (step === "totp") {
    return (
      <AuthCard title="Two-step sign-in" intro="Open your authenticator app and enter the 6-digit code it shows for this account.">
        {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
        <Form method="post" className="space-y-4" noValidate>
          {hidden}
          <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={7} required autoFocus error={errors.code} />
          <button type="submit" name="intent" value="totp" className="btn-primary w-full" disabled={busy}>
            Verify
          </button>
        </Form>
        <Form method="post" className="mt-4 border-t border-slate-100 pt-4">
          {hidden}
          <button type="submit" name="intent" value="cancel" className="text-sm font-medium text-brand underline-offset-2 hover:underline">
            Start again
          </button>
        </Form>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={forAdmin ? "Platform sign-in" : "Staff sign-in"}
      intro={forAdmin ? "For Medslot platform operators." : "For the clinic's team: owners, front desk and doctors."}
      footer={
        forAdmin ? null : (
          <>
            Booking an appointment?{" "}
            <Link to="/sign-in" className="font-medium text-brand underline-offset-2 hover:underline">
              Patient sign-in
            </Link>
          </>
        )
      }
    >
      {passwordWasReset ? <Notice tone="success">Your password has been changed. Sign in with your new password.</Notice> : null}
      {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
      <Form method="post" className="space-y-4" noValidate>
        {hidden}
        <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={EMAIL_MAX_LENGTH} autoFocus error={errors.email} defaultValue={result?.values?.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <button type="submit" name="intent" value="password" className="btn-primary w-full" disabled={busy}>
          Sign in
        </button>
      </Form>
      <p className="mt-4 text-center text-sm">
        <Link to="/staff/forgot-password" className="font-medium text-brand underline-offset-2 hover:underline">
          Forgot your password?
        </Link>
      </p>
    </AuthCard>
  );
}
