import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DoctorProfileForms, type DoctorProfileFormAnswer } from "~/components/doctor-profile-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { getDoctorProfile } from "~/modules/clinic/doctor-profile.server";
import { initialsOf } from "~/modules/clinic/doctor-profile-rules";
import { answerDoctorProfileForm, doctorPhotoUrl, getDoctorPublicProfile } from "~/modules/clinic/doctor-public-profile.server";
import { listRoles, WORK_STATUS_LABELS } from "~/modules/clinic/labels";
import { clinicSiteOrigin } from "~/utils/public-urls.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "My profile · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId, staff, db } = await requireStaff(request, context, "profile");
  const [profile, publicProfile] = await Promise.all([getDoctorProfile(getDb(), clinicId, staff.id), getDoctorPublicProfile(db, staff.id)]);
  return {
    publicProfile: publicProfile && {
      name: publicProfile.name,
      initials: initialsOf(publicProfile.name),
      bio: publicProfile.bio,
      languages: publicProfile.languages,
      photoUrl: publicProfile.photoVersion === null ? null : doctorPhotoUrl(publicProfile.doctorId, publicProfile.photoVersion),
      pageUrl: `/doctors/${publicProfile.doctorId}`,
    },
    name: staff.name,
    email: staff.email,
    specialty: profile.specialty,
    workStatus: profile.workStatus,
    active: profile.active,
    clinics: profile.clinics.map((c) => ({ ...c, roles: listRoles(c.roles), panelUrl: `${clinicSiteOrigin(c.slug)}/panel` })),
  };
}

/** The doctor's own introduction, languages and photo, as patients see them. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { staff, db } = await requireStaff(request, context, "profile");
  // A body over the photo's 1 MB plus the form around it never gets here (app/utils/body-limit.server.ts).
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const { status, ...answer } = await answerDoctorProfileForm(db, staff.id, intent, form, {
    actor: { type: "staff", id: staff.id },
    request: auditContextFromRequest(request, context),
  });
  return data<DoctorProfileFormAnswer>(answer, { status });
}

export default function PanelMyProfile() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as DoctorProfileFormAnswer | undefined;
  return (
    <>
      <PanelHeading title="My profile">
        <p>How you appear to patients and colleagues.</p>
      </PanelHeading>

      <section aria-labelledby="me-heading" className="card p-5 sm:p-6">
        <h2 id="me-heading" className="text-lg font-semibold text-slate-900">
          {data.name}
        </h2>
        <p className="text-sm text-slate-600">{data.email}</p>
        <dl className="mt-4 grid gap-4 sm:grid-cols-3">
          <div>
            <dt className="text-sm font-medium text-slate-600">Specialty</dt>
            <dd className="mt-1 font-semibold text-slate-900" data-testid="my-specialty">
              {data.specialty ?? "Not set"}
            </dd>
          </div>
          <div>
            <dt className="text-sm font-medium text-slate-600">Work status</dt>
            <dd className="mt-1">
              {data.workStatus ? <Pill tone={data.workStatus === "active" ? "good" : "warn"}>{WORK_STATUS_LABELS[data.workStatus]}</Pill> : "Not set"}
            </dd>
          </div>
          <div>
            <dt className="text-sm font-medium text-slate-600">Account here</dt>
            <dd className="mt-1">{data.active ? <Pill tone="good">Active</Pill> : <Pill tone="muted">Inactive</Pill>}</dd>
          </div>
        </dl>
        <p className="mt-4 text-sm text-slate-600">The clinic's owner keeps your specialty and work status up to date.</p>
      </section>

      {data.publicProfile ? (
        <section aria-labelledby="public-heading" className="card mt-8 p-5 sm:p-6" data-testid="public-profile">
          <h2 id="public-heading" className="text-lg font-semibold text-slate-900">
            What patients see
          </h2>
          <p className="mt-1 text-sm text-slate-600">Your page on the clinic's site and the marketplace shows your photo, introduction, languages and next free times.</p>
          <div className="mt-4">
            <DoctorProfileForms profile={data.publicProfile} answer={answer} idPrefix="me" publicUrl={data.publicProfile.pageUrl} />
          </div>
        </section>
      ) : null}

      <section aria-labelledby="clinics-heading" className="mt-8">
        <h2 id="clinics-heading" className="text-lg font-semibold text-slate-900">
          Clinics I work at
        </h2>
        <ul className="mt-4 grid gap-4 md:grid-cols-2" data-testid="my-clinics">
          {data.clinics.map((c) => (
            <li key={c.slug} className="card p-5">
              <div className="flex items-start justify-between gap-2">
                <h3 className="font-semibold text-slate-900">{c.name}</h3>
                {c.current ? <Pill tone="brand">This clinic</Pill> : null}
              </div>
              <p className="text-sm text-slate-600">{[c.city, c.roles].filter(Boolean).join(" · ")}</p>
              {c.current ? null : (
                <a href={c.panelUrl} className="mt-3 inline-block text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4">
                  Open its staff panel<span className="sr-only"> for {c.name}</span>
                </a>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
