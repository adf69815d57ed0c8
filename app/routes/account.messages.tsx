import { data, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { readMessagePreferences, saveMessagePreferences } from "~/modules/patient-account/message-preferences.server";
import { getDb, type ClinicDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

/** The clinic's handle on its site; null on the marketplace (the platform's scope). */
function clinicDbOf(request: Request, context: AppLoadContext): ClinicDb | null {
  const site = requireSite(request, context.site);
  return site.kind === "clinic" ? requireClinicSite(context).db : null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient } = await requirePatient(request, context);
  const prefs = await readMessagePreferences(clinicDb, getDb(), patient.id);
  return { prefs, saved: new URL(request.url).searchParams.has("saved") };
}

export const meta: MetaFunction = () => [{ title: "Messages" }];

type ActionResult = { error: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient } = await requirePatient(request, context);
  try {
    await saveMessagePreferences(clinicDb, getDb(), patient.id, await readForm(request), auditContextFromRequest(request, context));
  } catch (error) {
    if (error instanceof ValidationError) return data<ActionResult>({ error: error.message }, { status: 400 });
    throw error;
  }
  return redirect("/account/messages?saved=1");
}

export default function MessagePreferencesPage() {
  const { prefs, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1 className="mb-5 mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Messages</h1>
      {result?.error ? <Alert tone="error">{result.error} Nothing was saved.</Alert> : null}
      {saved && !result ? (
        <Alert tone="info">
          <span data-testid="messages-saved">Your choices are saved.</span>
        </Alert>
      ) : null}
      <Form method="post" className="card space-y-4 p-4 sm:p-6">
        <fieldset>
          <legend className="field-label">How should we reach you about your visits?</legend>
          <p className="mt-0.5 text-sm text-slate-600">Confirmations, changes, reminders and offers of earlier times, for you and your family.</p>
          <div className="mt-3 space-y-2">
            <label className="flex min-h-11 items-center gap-3 rounded-lg px-3 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand">
              <input type="checkbox" name="smsMessages" value="on" defaultChecked={prefs.smsMessages} className="h-5 w-5 accent-[rgb(var(--brand))]" />
              <span className="text-sm font-medium">Text messages (SMS)</span>
            </label>
            <label className="flex min-h-11 items-center gap-3 rounded-lg px-3 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand">
              <input
                type="checkbox"
                name="emailMessages"
                value="on"
                defaultChecked={prefs.emailMessages}
                aria-describedby={prefs.hasEmail ? undefined : "messages-email-hint"}
                className="h-5 w-5 accent-[rgb(var(--brand))]"
              />
              <span className="text-sm font-medium">Email</span>
            </label>
            {prefs.hasEmail ? null : (
              <p id="messages-email-hint" className="text-sm text-slate-600">
                There is no email address on your account yet. <Link to="/account/profile" className="font-semibold text-brand underline">Add one in your profile</Link> to get emails.
              </p>
            )}
          </div>
        </fieldset>
        <p className="text-sm text-slate-600">Sign-in codes always come by text message, whatever you choose here.</p>
        <button type="submit" className="btn-primary min-h-12 w-full text-base sm:w-auto" disabled={busy}>
          {busy ? "Saving…" : "Save choices"}
        </button>
      </Form>
    </>
  );
}
