import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { DOCTOR_PROFILE_INTENTS, DoctorProfileForms, type DoctorProfileFormAnswer, type DoctorProfileFormView } from "~/components/doctor-profile-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { initialsOf } from "~/modules/clinic/doctor-profile-rules";
import { answerDoctorProfileForm, doctorPhotoUrl, listDoctorPublicProfiles } from "~/modules/clinic/doctor-public-profile.server";
import { ROLE_LABELS, WORK_STATUS_LABELS } from "~/modules/clinic/labels";
import { listClinicStaff, type StaffMember } from "~/modules/clinic/staff-directory.server";
import { INVITE_DAYS, STAFF_ROLES, WORK_STATUSES } from "~/modules/clinic/onboarding-words";
import { changeInvite, inviteForm, listOpenInvites, type OpenInvite } from "~/modules/clinic/staff-invites.server";
import { changeStaffMember, staffMemberForm, type StaffAnswer } from "~/modules/clinic/staff-members.server";
import { sendEmail } from "~/modules/messaging/messenger.server";
import { siteOrigin } from "~/utils/public-urls.server";
import { echoValue, readFormWithLists } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Staff · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, db } = await requireStaff(request, context, "staff");
  const [members, invites, doctors] = await Promise.all([listClinicStaff(db), listOpenInvites(db), listDoctorPublicProfiles(db)]);
  // What each active doctor shows patients, for the owner to edit with them.
  const profiles: Record<string, DoctorProfileFormView & { pageUrl: string }> = {};
  for (const [staffUserId, p] of doctors) {
    profiles[staffUserId] = {
      name: p.name,
      initials: initialsOf(p.name),
      bio: p.bio,
      languages: p.languages,
      photoUrl: p.photoVersion === null ? null : doctorPhotoUrl(p.doctorId, p.photoVersion),
      pageUrl: `/doctors/${p.doctorId}`,
    };
  }
  return { members, invites, profiles, me: staff.id };
}

type ActionAnswer = StaffAnswer & { intent: string; staffUserId?: string; values?: { email?: string; specialty?: string; roles?: string[] } };
type ProfileAnswer = DoctorProfileFormAnswer & { staffUserId: string };

const PROFILE_INTENTS = new Set<string>(DOCTOR_PROFILE_INTENTS);

const INVITE_INTENTS = new Set(["invite", "resend-invite", "cancel-invite"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinicId, staff, sessionId, clinic, db } = await requireStaff(request, context, "staff");
  const form = await readFormWithLists(request, ["roles"]);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const actor = { staffUserId: staff.id, sessionId, request: auditContextFromRequest(request, context) };
  if (PROFILE_INTENTS.has(intent)) {
    const staffUserId = typeof form.staffUserId === "string" ? form.staffUserId : "";
    if (!UUID.test(staffUserId)) return data<ProfileAnswer>({ intent, ok: false, message: "Choose a member of staff.", errors: {}, staffUserId: "" }, { status: 400 });
    const { status, ...answer } = await answerDoctorProfileForm(db, staffUserId, intent, form, { actor: { type: "staff", id: staff.id }, request: actor.request });
    return data<ProfileAnswer>({ ...answer, staffUserId }, { status });
  }
  if (INVITE_INTENTS.has(intent)) {
    const parsed = inviteForm.safeParse(form);
    // The form as typed, to fill it again (a role checkbox is one of three values, so at most three come back).
    const values = { email: echoValue(form.email, 254), specialty: echoValue(form.specialty, 80), roles: (form.roles as FormDataEntryValue[]).slice(0, 3).map((role) => echoValue(role)) };
    if (!parsed.success) {
      return data<ActionAnswer>({ ok: false, intent, ...firstFieldError(parsed.error), values }, { status: 400 });
    }
    const answer = await changeInvite({ db, messenger: { sendEmail } }, { id: clinicId, name: clinic.name, origin: siteOrigin(context.site) }, parsed.data, actor);
    return data<ActionAnswer>({ ...answer, intent, values: answer.ok ? undefined : values }, { status: answer.ok ? 200 : 422 });
  }
  const parsed = staffMemberForm.safeParse(form);
  const staffUserId = typeof form.staffUserId === "string" ? form.staffUserId : undefined;
  if (!parsed.success) {
    return data<ActionAnswer>({ ok: false, intent, staffUserId, ...firstFieldError(parsed.error) }, { status: 400 });
  }
  const answer = await changeStaffMember(db, parsed.data, actor);
  return data<ActionAnswer>({ ...answer, intent, staffUserId }, { status: answer.ok ? 200 : 422 });
}

const dateFmt = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

function RoleChecks({ name, idPrefix, checked, error }: { name: string; idPrefix: string; checked: readonly string[]; error?: string }) {
  return (
    <fieldset aria-describedby={error ? `${idPrefix}-error` : undefined}>
      <legend className="field-label">Roles</legend>
      <div className="mt-1 flex flex-wrap gap-2">
        {STAFF_ROLES.map((role) => (
          <label key={role} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 has-[:checked]:border-brand has-[:checked]:bg-brand-soft">
            <input type="checkbox" name={name} value={role} defaultChecked={checked.includes(role)} className="h-4 w-4 accent-brand" />
            {ROLE_LABELS[role]}
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${idPrefix}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function AnswerBanner({ answer }: { answer: ActionAnswer }) {
  return (
    <p
      role={answer.ok ? "status" : "alert"}
      className={`rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}
      data-testid="staff-answer"
    >
      {answer.message}
    </p>
  );
}

function InviteForm({ answer, busy }: { answer: ActionAnswer | undefined; busy: boolean }) {
  const mine = answer?.intent === "invite" ? answer : undefined;
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (mine?.ok) formRef.current?.reset();
  }, [mine]);
  const fieldError = (f: string) => (mine && !mine.ok && mine.field === f ? mine.message : undefined);
  return (
    <section aria-labelledby="invite-heading" className="card p-5 sm:p-6">
      <h2 id="invite-heading" className="text-lg font-semibold text-slate-900">
        Invite someone
      </h2>
      <p className="mt-1 text-sm text-slate-600">We email them a link that works once, for {INVITE_DAYS} days. Someone who already works at another clinic on Medslot signs in with their existing password.</p>
      <Form ref={formRef} method="post" className="mt-4 grid gap-4 md:grid-cols-2" noValidate data-testid="invite-form">
        <input type="hidden" name="intent" value="invite" />
        <div>
          <label htmlFor="invite-email" className="field-label">
            Email
          </label>
          <input
            id="invite-email"
            name="email"
            type="email"
            autoComplete="off"
            required
            maxLength={254}
            className="field-input"
            defaultValue={mine && !mine.ok ? mine.values?.email : undefined}
            aria-invalid={fieldError("email") ? true : undefined}
            aria-describedby={fieldError("email") ? "invite-email-error" : undefined}
          />
          {fieldError("email") ? (
            <p id="invite-email-error" className="field-error" role="alert">
              {fieldError("email")}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="invite-specialty" className="field-label">
            Specialty <span className="font-normal text-slate-500">(doctors only, optional)</span>
          </label>
          <input id="invite-specialty" name="specialty" maxLength={80} className="field-input" defaultValue={mine && !mine.ok ? mine.values?.specialty : undefined} aria-invalid={fieldError("specialty") ? true : undefined} />
          {fieldError("specialty") ? <p className="field-error">{fieldError("specialty")}</p> : null}
        </div>
        <div className="md:col-span-2">
          <RoleChecks name="roles" idPrefix="invite-roles" checked={mine && !mine.ok ? (mine.values?.roles ?? []) : ["secretary"]} error={fieldError("roles")} />
        </div>
        <div className="flex flex-wrap items-center gap-3 md:col-span-2">
          <button type="submit" className="btn-primary min-h-11" disabled={busy}>
            {busy ? "Sending…" : "Send invitation"}
          </button>
          {mine ? <AnswerBanner answer={mine} /> : null}
        </div>
      </Form>
    </section>
  );
}

function Invites({ invites, busy }: { invites: OpenInvite[]; busy: boolean }) {
  return (
    <section aria-labelledby="invites-heading" className="mt-8">
      <h2 id="invites-heading" className="text-lg font-semibold text-slate-900">
        Open invitations ({invites.length})
      </h2>
      {invites.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No invitations waiting. People you invite appear here until they accept.</p>
      ) : (
        <ul className="mt-3 space-y-3" data-testid="invites">
          {invites.map((inv) => (
            <li key={inv.id} className="card flex flex-wrap items-center justify-between gap-3 p-4" data-testid="invite" data-email={inv.email}>
              <div className="min-w-0">
                <p className="truncate font-semibold text-slate-900">{inv.email}</p>
                <p className="mt-1 flex flex-wrap items-center gap-1.5 text-sm text-slate-600">
                  {inv.roles.map((r) => (
                    <Pill key={r} tone={r === "owner" ? "brand" : "neutral"}>
                      {ROLE_LABELS[r]}
                    </Pill>
                  ))}
                  {inv.expired ? <Pill tone="warn">Expired</Pill> : <span>Link works until {dateFmt.format(new Date(inv.expiresAt))}</span>}
                  <span>· sent {inv.sentCount}×</span>
                </p>
              </div>
              <div className="flex gap-2">
                <Form method="post">
                  <input type="hidden" name="intent" value="resend-invite" />
                  <input type="hidden" name="inviteId" value={inv.id} />
                  <button type="submit" className="btn-secondary min-h-11" disabled={busy} aria-label={`Re-send the invitation to ${inv.email}`}>
                    Re-send
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="cancel-invite" />
                  <input type="hidden" name="inviteId" value={inv.id} />
                  <button type="submit" className="btn-secondary min-h-11 text-red-800" disabled={busy} aria-label={`Cancel the invitation to ${inv.email}`}>
                    Cancel
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MemberCard({ m, me, answer, busy, profile }: { m: StaffMember; me: string; answer: ActionAnswer | ProfileAnswer | undefined; busy: boolean; profile: (DoctorProfileFormView & { pageUrl: string }) | undefined }) {
  const profileAnswer = answer && answer.staffUserId === m.staffUserId && PROFILE_INTENTS.has(answer.intent) ? (answer as ProfileAnswer) : undefined;
  const mine = answer && answer.staffUserId === m.staffUserId && !INVITE_INTENTS.has(answer.intent) && !PROFILE_INTENTS.has(answer.intent) ? (answer as ActionAnswer) : undefined;
  const isDoctor = m.active && m.roles.includes("doctor");
  return (
    <li className={`card p-4 sm:p-5 ${m.active ? "" : "bg-slate-50"}`} data-testid="staff-member" data-email={m.email}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-semibold text-slate-900">
            {m.name}
            {m.staffUserId === me ? <span className="ml-1.5 text-xs font-medium text-slate-600">(you)</span> : null}
          </p>
          <p className="truncate text-sm text-slate-600">{m.email}</p>
        </div>
        {m.active ? <Pill tone="good">Active</Pill> : <Pill tone="muted">Deactivated</Pill>}
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-1.5">
        {m.roles.map((r) => (
          <Pill key={r} tone={r === "owner" ? "brand" : "neutral"}>
            {ROLE_LABELS[r]}
          </Pill>
        ))}
        {m.workStatus ? <Pill tone={m.workStatus === "active" ? "good" : m.workStatus === "on_leave" ? "warn" : "muted"}>{WORK_STATUS_LABELS[m.workStatus]}</Pill> : null}
        {m.specialty && isDoctor ? <span className="text-sm text-slate-700">{m.specialty}</span> : null}
      </div>
      {mine && (mine.ok || mine.field !== "roles") ? (
        <div className="mt-3">
          <AnswerBanner answer={mine} />
        </div>
      ) : null}
      {isDoctor && profile ? (
        <details className="group mt-3" open={Boolean(profileAnswer)} data-testid="doctor-public-profile">
          <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg text-sm font-semibold text-brand underline-offset-4 hover:underline">
            What patients see<span className="sr-only"> about {m.name}</span>
          </summary>
          <div className="mt-3 border-t border-slate-200 pt-4">
            <DoctorProfileForms profile={profile} answer={profileAnswer} idPrefix={`profile-${m.staffUserId}`} staffUserId={m.staffUserId} publicUrl={profile.pageUrl} />
          </div>
        </details>
      ) : null}
      <details className="group mt-3" open={Boolean(mine && !mine.ok)}>
        <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg text-sm font-semibold text-brand underline-offset-4 hover:underline">
          Change access<span className="sr-only"> of {m.name}</span>
        </summary>
        <div className="mt-3 space-y-5 border-t border-slate-200 pt-4">
          {m.active ? (
            <>
              <Form method="post" className="space-y-3">
                <input type="hidden" name="intent" value="set-roles" />
                <input type="hidden" name="staffUserId" value={m.staffUserId} />
                <RoleChecks name="roles" idPrefix={`roles-${m.staffUserId}`} checked={m.roles} error={mine && !mine.ok && mine.intent === "set-roles" && mine.field === "roles" ? mine.message : undefined} />
                <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                  Save roles
                </button>
              </Form>
              {isDoctor ? (
                <Form method="post" className="grid gap-3 sm:grid-cols-2">
                  <input type="hidden" name="intent" value="set-doctor" />
                  <input type="hidden" name="staffUserId" value={m.staffUserId} />
                  <div>
                    <label htmlFor={`specialty-${m.staffUserId}`} className="field-label">
                      Specialty
                    </label>
                    <input id={`specialty-${m.staffUserId}`} name="specialty" maxLength={80} defaultValue={m.specialty ?? ""} className="field-input" />
                  </div>
                  <div>
                    <label htmlFor={`work-${m.staffUserId}`} className="field-label">
                      Work status
                    </label>
                    <select id={`work-${m.staffUserId}`} name="workStatus" defaultValue={m.workStatus ?? "active"} className="field-input">
                      {WORK_STATUSES.map((w) => (
                        <option key={w} value={w}>
                          {WORK_STATUS_LABELS[w]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="sm:col-span-2">
                    <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                      Save doctor details
                    </button>
                  </div>
                </Form>
              ) : null}
              <Form
                method="post"
                onSubmit={(e) => {
                  if (!window.confirm(`Deactivate ${m.name}? They are signed out of this clinic at once and can no longer sign in here.`)) e.preventDefault();
                }}
              >
                <input type="hidden" name="intent" value="deactivate" />
                <input type="hidden" name="staffUserId" value={m.staffUserId} />
                <button type="submit" className="btn-secondary min-h-11 border-red-300 text-red-800 hover:bg-red-50" disabled={busy}>
                  {m.staffUserId === me ? "Deactivate myself" : <>Deactivate<span className="sr-only"> {m.name}</span></>}
                </button>
              </Form>
            </>
          ) : (
            <Form method="post" className="space-y-3">
              <input type="hidden" name="intent" value="reactivate" />
              <input type="hidden" name="staffUserId" value={m.staffUserId} />
              <RoleChecks name="roles" idPrefix={`reactivate-${m.staffUserId}`} checked={m.roles} error={mine && !mine.ok && mine.field === "roles" ? mine.message : undefined} />
              <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                Reactivate
              </button>
            </Form>
          )}
        </div>
      </details>
    </li>
  );
}

export default function PanelStaff() {
  const { members, invites, profiles, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ActionAnswer | ProfileAnswer | undefined;
  const busy = useNavigation().state !== "idle";
  const active = members.filter((m) => m.active).length;
  const inviteAnswer = answer && INVITE_INTENTS.has(answer.intent) && answer.intent !== "invite" ? (answer as ActionAnswer) : undefined;
  return (
    <>
      <PanelHeading title="Staff">
        <p>
          {active} active {active === 1 ? "member" : "members"} of staff
          {members.length > active ? `, ${members.length - active} deactivated` : ""}.
        </p>
      </PanelHeading>
      <InviteForm answer={answer && !PROFILE_INTENTS.has(answer.intent) ? (answer as ActionAnswer) : undefined} busy={busy} />
      {inviteAnswer ? (
        <div className="mt-4">
          <AnswerBanner answer={inviteAnswer} />
        </div>
      ) : null}
      <Invites invites={invites} busy={busy} />
      <section aria-labelledby="members-heading" className="mt-8">
        <h2 id="members-heading" className="text-lg font-semibold text-slate-900">
          People
        </h2>
        <ul className="mt-3 grid gap-3 lg:grid-cols-2" data-testid="staff-list">
          {members.map((m) => (
            <MemberCard key={m.staffUserId} m={m} me={me} answer={answer} busy={busy} profile={profiles[m.staffUserId]} />
          ))}
        </ul>
      </section>
    </>
  );
}
