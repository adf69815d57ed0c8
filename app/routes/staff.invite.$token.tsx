import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthCard, Field, Notice } from "~/components/auth-card";
import { fieldErrorsOf } from "~/lib/form-errors";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { requestMeta } from "~/modules/auth/pending.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { ROLE_LABELS } from "~/modules/clinic/labels";
import { acceptInvite, acceptInviteForm, checkInvite, MIN_PASSWORD_LENGTH } from "~/modules/clinic/staff-invites.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Join the clinic's staff" }, { name: "referrer", content: "no-referrer" }, { name: "robots", content: "noindex" }];

/** Invitations answer only on the inviting clinic's own host. */
function clinicOf(context: LoaderFunctionArgs["context"]) {
  if (context.site.kind !== "clinic") throw notFound();
  return { clinic: context.site.clinic, host: context.site.host };
}

type InviteView =
  | { ok: false; clinicName: string; message: string; reason: "invalid" | "expired" | "used" | "cancelled" }
  | { ok: true; clinicName: string; email: string; roles: string[]; existingAccount: boolean; minPasswordLength: number };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const state = await checkInvite({ db }, params.token ?? "");
  // A link that cannot be used is still a page (with its reason), answered as gone or not found.
  if (!state.ok) return data<InviteView>({ ok: false, clinicName: clinic.name, message: state.message, reason: state.reason }, { status: state.reason === "invalid" ? 404 : 410 });
  return data<InviteView>({ ok: true, clinicName: clinic.name, email: state.email, roles: state.roles.map((r) => ROLE_LABELS[r]), existingAccount: state.existingAccount, minPasswordLength: MIN_PASSWORD_LENGTH });
}

type ActionResult = { errors: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { clinic, host } = clinicOf(context);
  const parsed = acceptInviteForm.safeParse(await readForm(request));
  if (!parsed.success) return data<ActionResult>({ errors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const result = await acceptInvite({ db: getDb() }, { clinicId: clinic.id, host, timeZone: clinic.timeZone }, params.token ?? "", parsed.data, requestMeta(request, context));
  if (!result.ok) return data<ActionResult>({ errors: { [result.field]: result.message } }, { status: 400 });
  if (!result.token) return redirect("/staff/sign-in?invite=accepted");
  return redirect("/panel", { headers: { "Set-Cookie": sessionCookie(request, result.token, result.session.expiresAt) } });
}

export default function AcceptInvite() {
  const state = useLoaderData<typeof loader>() as unknown as InviteView;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  const errors = result?.errors ?? {};
  if (!state.ok) {
    return (
      <AuthCard
        title={state.reason === "expired" ? "This invitation has expired" : state.reason === "used" ? "This invitation was already used" : state.reason === "cancelled" ? "This invitation was cancelled" : "This invitation link can't be used"}
        footer={
          <Link to="/staff/sign-in" className="font-medium text-brand underline-offset-2 hover:underline">
            Go to staff sign-in
          </Link>
        }
      >
        <Notice tone="error">{state.message}</Notice>
      </AuthCard>
    );
  }
  const intro = (
    <>
      You're invited to join <strong>{state.clinicName}</strong> as {state.roles.join(" and ").toLowerCase()}, with <strong>{state.email}</strong>.
    </>
  );
  return (
    <AuthCard title={`Join ${state.clinicName}`} intro={intro}>
      {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
      {state.existingAccount ? (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="existing-account" />
          <p className="text-sm text-slate-700">You already have a Medslot staff account. Enter its password to accept.</p>
          <input type="email" name="username" autoComplete="username" value={state.email} readOnly hidden />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? "Accepting…" : "Accept and sign in"}
          </button>
          <p className="text-sm">
            <Link to="/staff/forgot-password" className="font-medium text-brand underline-offset-2 hover:underline">
              Forgot your password?
            </Link>
          </p>
        </Form>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="create-account" />
          <input type="email" name="username" autoComplete="username" value={state.email} readOnly hidden />
          <Field label="Your full name" name="name" autoComplete="name" required maxLength={120} error={errors.name} />
          <Field label="Choose a password" name="password" type="password" autoComplete="new-password" required minLength={state.minPasswordLength} hint={`At least ${state.minPasswordLength} characters.`} error={errors.password} />
          <Field label="Repeat the password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors.confirmPassword} />
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? "Creating your account…" : "Create account and join"}
          </button>
        </Form>
      )}
    </AuthCard>
  );
}
