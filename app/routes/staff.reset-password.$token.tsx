import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthCard, Field, Notice } from "~/components/auth-card";
import { resetPasswordForm } from "~/modules/auth/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { requestMeta } from "~/modules/auth/pending.server";
import { clearSessionCookie } from "~/modules/auth/session.server";
import { checkResetToken, MIN_PASSWORD_LENGTH, resetStaffPassword } from "~/modules/auth/staff-sign-in.server";
import { staffSite } from "~/modules/auth/staff-site.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password" }, { name: "referrer", content: "no-referrer" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const site = staffSite(context);
  const state = await checkResetToken({ db: getDb() }, site, params.token ?? "");
  return state.ok ? { ok: true as const, email: state.email } : { ok: false as const, message: state.message };
}

type ActionResult = { errors: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const site = staffSite(context);
  const parsed = resetPasswordForm.safeParse(await readForm(request));
  if (!parsed.success) return data<ActionResult>({ errors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const result = await resetStaffPassword({ db: getDb() }, site, { token: params.token ?? "", newPassword: parsed.data.password }, requestMeta(request, context));
  if (!result.ok) return data<ActionResult>({ errors: { [result.field === "token" ? "form" : "password"]: result.message } }, { status: 400 });
  // Every session ended with the reset, this browser's included.
  return redirect("/staff/sign-in?reset=done", { headers: { "Set-Cookie": clearSessionCookie(request) } });
}

export default function ResetPassword() {
  const state = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  const back = (
    <Link to="/staff/forgot-password" className="font-medium text-brand underline-offset-2 hover:underline">
      Ask for a new link
    </Link>
  );
  if (!state.ok) {
    return (
      <AuthCard title="This link can't be used" footer={back}>
        <Notice tone="error">{state.message}</Notice>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" intro={<>For {state.email}. You'll be signed out everywhere and can then sign in with the new password.</>}>
      {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
      <Form method="post" className="space-y-4" noValidate>
        <input type="email" name="username" autoComplete="username" value={state.email} readOnly hidden />
        <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password} />
        <Field label="Repeat new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors.confirmPassword} />
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          Set new password
        </button>
      </Form>
    </AuthCard>
  );
}
