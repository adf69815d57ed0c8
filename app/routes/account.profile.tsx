import { data, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/booking/step-header";
import { TextField } from "~/components/family-fields";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { displayPhone } from "~/modules/clinic/phone-display.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { parseProfileForm, readProfile, updateProfile, type FieldErrors, type ProfileField } from "~/modules/patient-account/family.server";
import { getDb, type ClinicDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

/** Profile changes are logged where they are made: the clinic's log on its site, the platform's on the marketplace. */
function clinicDbOf(request: Request, context: AppLoadContext): ClinicDb | null {
  const site = requireSite(request, context.site);
  return site.kind === "clinic" ? requireClinicSite(context).db : null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient } = await requirePatient(request, context);
  const profile = await readProfile(clinicDb, getDb(), patient.id, auditContextFromRequest(request, context));
  return { profile: { ...profile, phone: displayPhone(profile.phone) }, saved: new URL(request.url).searchParams.has("saved") };
}

export const meta: MetaFunction = () => [{ title: "Your profile" }];

type ActionResult = { errors: FieldErrors<ProfileField>; values: Record<ProfileField, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient } = await requirePatient(request, context);
  const form = parseProfileForm(await readForm(request));
  if (!form.ok) return data<ActionResult>({ errors: form.errors, values: form.values }, { status: 400 });
  await updateProfile(clinicDb, getDb(), patient.id, form.data, auditContextFromRequest(request, context));
  return redirect("/account/profile?saved=1");
}

export default function Profile() {
  const { profile, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const values = result?.values ?? profile;
  const errors = result?.errors ?? {};
  return (
    <>
      <h1 className="mb-5 mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Your profile</h1>
      {result ? <Alert tone="error">Some details need another look. Nothing was saved yet.</Alert> : null}
      {saved && !result ? (
        <Alert tone="info">
          <span data-testid="profile-saved">Your profile is saved.</span>
        </Alert>
      ) : null}
      <Form method="post" className="card space-y-4 p-4 sm:p-6" noValidate key={result ? "retry" : "profile"}>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField id="profile-first" name="firstName" label="First name" defaultValue={values.firstName} error={errors.firstName} autoComplete="given-name" />
          <TextField id="profile-last" name="lastName" label="Last name" defaultValue={values.lastName} error={errors.lastName} autoComplete="family-name" />
        </div>
        <TextField id="profile-email" name="email" type="email" label="Email (optional)" hint="For receipts and reminders by email." defaultValue={values.email} error={errors.email} autoComplete="email" />
        <TextField id="profile-dob" name="dateOfBirth" type="date" label="Date of birth" hint="Clinics use it to tell patients with the same name apart." defaultValue={values.dateOfBirth} error={errors.dateOfBirth} autoComplete="bday" />
        <div>
          <p className="field-label">Mobile phone</p>
          <p className="mt-1 text-base font-medium text-slate-900" data-testid="profile-phone">
            {profile.phone}
          </p>
          <p className="mt-0.5 text-sm text-slate-600">You sign in with this number, so it cannot be changed here.</p>
        </div>
        <button type="submit" className="btn-primary min-h-12 w-full text-base sm:w-auto" disabled={busy}>
          {busy ? "Saving…" : "Save profile"}
        </button>
      </Form>
    </>
  );
}
