import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { AuthCard, Field, Notice } from "~/components/auth-card";
import { EMAIL_MAX_LENGTH } from "~/modules/auth/field-limits";
import { forgotPasswordForm } from "~/modules/auth/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { requestMeta } from "~/modules/auth/pending.server";
import { RESET_LINK_MINUTES, requestPasswordReset } from "~/modules/auth/staff-sign-in.server";
import { staffSite } from "~/modules/auth/staff-site.server";
import { sendEmail } from "~/modules/messaging/messenger.server";
import { getDb } from "~/utils/db.server";
import { siteOrigin } from "~/utils/public-urls.server";
import { echoValue, readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Reset your password" }];

export async function loader({ context }: LoaderFunctionArgs) {
  staffSite(context);
  return null;
}

type ActionResult = { sentTo?: string; errors?: Record<string, string>; values?: { email: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const site = staffSite(context);
  const form = await readForm(request);
  const parsed = forgotPasswordForm.safeParse(form);
  if (!parsed.success) return data<ActionResult>({ errors: fieldErrorsOf(parsed.error), values: { email: echoValue(form.email, EMAIL_MAX_LENGTH) } }, { status: 400 });
  const result = await requestPasswordReset({ db: getDb(), messenger: { sendEmail } }, { ...site, origin: siteOrigin(site) }, { email: parsed.data.email }, requestMeta(request, context));
  if (!result.ok) {
    return data<ActionResult>({ errors: { email: result.message }, values: { email: parsed.data.email } }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } });
  }
  // Not awaited: the email leaves after the answer, so the answer takes as long for unknown
  // addresses as for real ones (a failed send is logged by requestPasswordReset).
  void result.delivery;
  return { sentTo: parsed.data.email } satisfies ActionResult;
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <AuthCard
      title="Reset your password"
      intro="Enter the email address you sign in with. We'll email you a link to choose a new password."
      footer={
        <Link to="/staff/sign-in" className="font-medium text-brand underline-offset-2 hover:underline">
          Back to sign-in
        </Link>
      }
    >
      {result?.sentTo ? (
        <Notice tone="success">
          If <strong>{result.sentTo}</strong> is registered here, we've sent it a link to reset the password. The link works once, for {RESET_LINK_MINUTES} minutes. Check your spam folder if
          it doesn't arrive.
        </Notice>
      ) : null}
      <Form method="post" className="space-y-4" noValidate>
        <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={EMAIL_MAX_LENGTH} error={result?.errors?.email} defaultValue={result?.values?.email ?? result?.sentTo} />
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          Send reset link
        </button>
      </Form>
    </AuthCard>
  );
}
