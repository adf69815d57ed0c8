import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, Notice } from "~/components/auth-card";
import { accountForm } from "~/modules/auth/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { requireStaff } from "~/modules/auth/guards.server";
import { requestMeta } from "~/modules/auth/pending.server";
import { changeStaffPassword, disableTotp, enableTotp, MIN_PASSWORD_LENGTH } from "~/modules/auth/staff-sign-in.server";
import { staffSite } from "~/modules/auth/staff-site.server";
import { readSignedValue, signValue } from "~/modules/auth/tokens.server";
import { newTotpSecret, totpUri } from "~/modules/auth/totp.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Your account" }];

const SETUP_TTL_MS = 15 * 60_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, db: clinicDb } = await requireStaff(request, context, "account");
  const site = staffSite(context);
  const user = await clinicDb
    .tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: staff.id }, select: { totpSecret: true } }));
  if (user.totpSecret) return { staff, totp: { enabled: true as const } };
  // A fresh secret each visit; it is only saved once a code from it is confirmed.
  const secret = newTotpSecret();
  return {
    staff,
    totp: {
      enabled: false as const,
      secret,
      uri: totpUri(secret, staff.email, site.displayName),
      setup: signValue("totp-setup", { secret, staffUserId: staff.id, exp: Date.now() + SETUP_TTL_MS }),
    },
  };
}

type ActionResult = { intent: string; errors: Record<string, string>; done?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff, sessionId } = await requireStaff(request, context, "account");
  const site = staffSite(context);
  const form = await readForm(request);
  const parsed = accountForm.safeParse(form);
  const intent = String(form.intent ?? "");
  if (!parsed.success) return data<ActionResult>({ intent, errors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const input = parsed.data;
  const meta = requestMeta(request, context);
  const deps = { db: getDb() };

  switch (input.intent) {
    case "change-password": {
      const result = await changeStaffPassword(deps, site, { staffUserId: staff.id, currentSessionId: sessionId, currentPassword: input.currentPassword, newPassword: input.newPassword }, meta);
      if (!result.ok) return data<ActionResult>({ intent, errors: { [result.field]: result.message } }, { status: 400 });
      return { intent, errors: {}, done: "Your password has been changed. You have been signed out on every other device." } satisfies ActionResult;
    }
    case "enable-totp": {
      const setup = readSignedValue("totp-setup", input.setup);
      if (!setup || setup.staffUserId !== staff.id || typeof setup.secret !== "string" || typeof setup.exp !== "number" || setup.exp <= Date.now()) {
        return data<ActionResult>({ intent, errors: { code: "This setup has expired. Add the new key shown below to your app and try again." } }, { status: 400 });
      }
      const result = await enableTotp(deps, site, { staffUserId: staff.id, secret: setup.secret, code: input.code }, meta);
      if (!result.ok) return data<ActionResult>({ intent, errors: { code: result.message } }, { status: 400 });
      return { intent, errors: {}, done: "Two-step sign-in is on. You'll be asked for a code from your app each time you sign in." } satisfies ActionResult;
    }
    case "disable-totp": {
      const result = await disableTotp(deps, site, { staffUserId: staff.id, password: input.password }, meta);
      if (!result.ok) return data<ActionResult>({ intent, errors: { password: result.message } }, { status: 400 });
      return { intent, errors: {}, done: "Two-step sign-in is off." } satisfies ActionResult;
    }
  }
}

export default function Account() {
  const { staff, totp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string) => (result?.intent === intent ? result.errors : {});
  const doneFor = (intent: string) => (result?.intent === intent ? result.done : undefined);

  return (
    <div className="mx-auto w-full max-w-2xl space-y-6 px-4 py-6 sm:px-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Your account</h1>
        <p className="mt-1 text-sm text-slate-600">
          {staff.name} · {staff.email}
        </p>
      </header>

      <section className="card p-5 sm:p-6" aria-labelledby="password-heading">
        <h2 id="password-heading" className="text-lg font-semibold text-slate-900">
          Change password
        </h2>
        <p className="mt-1 text-sm text-slate-600">Changing it signs you out on every other device.</p>
        {doneFor("change-password") ? <Notice tone="success">{doneFor("change-password")}</Notice> : null}
        <Form method="post" className="mt-4 space-y-4" noValidate>
          <input type="email" name="username" autoComplete="username" value={staff.email} readOnly hidden />
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errorsFor("change-password").currentPassword} />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters, not your email address.`}
            error={errorsFor("change-password").newPassword}
          />
          <Field label="Repeat new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errorsFor("change-password").confirmPassword} />
          <button type="submit" name="intent" value="change-password" className="btn-primary" disabled={busy}>
            Change password
          </button>
        </Form>
      </section>

      <section className="card p-5 sm:p-6" aria-labelledby="totp-heading">
        <h2 id="totp-heading" className="text-lg font-semibold text-slate-900">
          Two-step sign-in
        </h2>
        {doneFor("enable-totp") || doneFor("disable-totp") ? <Notice tone="success">{doneFor("enable-totp") ?? doneFor("disable-totp")}</Notice> : null}
        {totp.enabled ? (
          <>
            <p className="mt-1 text-sm text-slate-600">On. After your password you enter a code from your authenticator app.</p>
            <Form method="post" className="mt-4 space-y-4" noValidate>
              <Field label="Password" name="password" type="password" autoComplete="current-password" required hint="Confirm it's you to turn two-step sign-in off." error={errorsFor("disable-totp").password} />
              <button type="submit" name="intent" value="disable-totp" className="btn-secondary" disabled={busy}>
                Turn off two-step sign-in
              </button>
            </Form>
          </>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-600">
              Off. Add this key to an authenticator app (Google Authenticator, 1Password, Authy…), then enter the code it shows.
            </p>
            <dl className="mt-4 space-y-3 text-sm">
              <div>
                <dt className="font-medium text-slate-800">Setup key</dt>
                <dd className="mt-1 break-all rounded-lg bg-slate-100 px-3 py-2 font-mono text-slate-900" data-testid="totp-secret">
                  {totp.secret}
                </dd>
              </div>
              <div>
                <dt className="font-medium text-slate-800">Or open on this phone</dt>
                <dd className="mt-1 break-all">
                  <a href={totp.uri} className="text-brand underline underline-offset-2">
                    {totp.uri}
                  </a>
                </dd>
              </div>
            </dl>
            <Form method="post" className="mt-4 space-y-4" noValidate>
              <input type="hidden" name="setup" value={totp.setup} />
              <Field label="6-digit code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={7} required error={errorsFor("enable-totp").code} />
              <button type="submit" name="intent" value="enable-totp" className="btn-primary" disabled={busy}>
                Turn on two-step sign-in
              </button>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}
