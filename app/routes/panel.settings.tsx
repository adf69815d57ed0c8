import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { AnswerLine, answerFor, SetupSection, SubmitButton, TextAreaField, TextField, type SetupAnswerView } from "~/components/owner/setup-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { MAX_CANCELLATION_WINDOW_HOURS } from "~/modules/clinic/branding";
import { readCancellationPolicy, saveCancellationPolicy } from "~/modules/clinic/clinic-settings.server";
import { displayPhone } from "~/modules/clinic/phone-display.server";
import { answerFromError, done, refused } from "~/modules/clinic/setup-answers.server";
import { MESSAGE_SETTINGS_LISTS, messageSettingsFromForm, readMessageSettings, readSmsCountries, saveMessageSettings, saveSmsCountries, type ReminderUnit } from "~/modules/messaging/settings.server";
import { previewTemplate, sampleVariables } from "~/modules/messaging/template-samples";
import { isMessageKind, MESSAGE_KINDS, SMS_MAX_LENGTH, EMAIL_MAX_LENGTH, TEMPLATE_VARIABLES, templateVariables, VARIABLE_DESCRIPTIONS, type MessageChannel, type MessageKind } from "~/modules/messaging/templates";
import { listTemplates, resetTemplate, saveTemplate } from "~/modules/messaging/templates.server";
import { siteOrigin } from "~/utils/public-urls.server";
import { overrideSetting, saveOverrideSetting } from "~/modules/front-desk/overrides.server";
import { OVERRIDE_ROLE_SETTINGS, OVERRIDE_SETTING_WORDS, type OverrideRoleSetting } from "~/modules/front-desk/outside-schedule-words";
import { readFormWithLists } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Settings · Staff panel" }];

const KIND_WORDS: Record<MessageKind, string> = {
  sign_in_code: "Sign-in code",
  booking_confirmation: "Booking confirmation",
  booking_change: "Booking moved",
  cancellation: "Cancellation",
  request_declined: "Request declined",
  reminder: "Reminder",
  deposit_problem: "Deposit problem",
  flexible_proposal: "Proposed time",
  waitlist_offer: "Waitlist offer",
  youre_next: "You're next",
  clinic_suspended: "Clinic suspended",
  desk_message: "Message from the desk",
};


function asOffset(min: number): { value: number; unit: ReminderUnit } {
  if (min % 1440 === 0) return { value: min / 1440, unit: "days" };
  if (min % 60 === 0) return { value: min / 60, unit: "hours" };
  return { value: min, unit: "minutes" };
}

const minutesText = (min: number) => (min % 60 === 0 ? `${String(Math.floor(min / 60)).padStart(2, "0")}:00` : `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`);

function windowWords(min: number) {
  if (min === 0) return "until the visit starts";
  const h = min / 60;
  return Number.isInteger(h) ? `${h} ${h === 1 ? "hour" : "hours"}` : `${min} minutes`;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId, db } = await requireStaff(request, context, "settings");
  const url = new URL(request.url);
  const kindParam = url.searchParams.get("kind") ?? "reminder";
  const kind: MessageKind = isMessageKind(kindParam) ? kindParam : "reminder";
  const channel: MessageChannel = url.searchParams.get("channel") === "email" ? "email" : "sms";
  const [policy, messages, templates, clinic, smsCountries] = await Promise.all([
    readCancellationPolicy(db),
    readMessageSettings(db),
    listTemplates(db),
    db.tx((tx) =>
      tx.clinic.findUniqueOrThrow({
        where: { id: clinicId },
        select: { name: true, contactPhone: true, timeZone: true },
      })
    ),
    readSmsCountries(db),
  ]);
  return {
    overrideRoles: await overrideSetting(db),
    policy,
    messages,
    smsCountries,
    templates: templates.map((t) => ({
      kind: t.kind,
      channel: t.channel,
      custom: t.custom,
    })),
    selected: templates.find((t) => t.kind === kind && t.channel === channel)!,
    clinic: {
      name: clinic.name,
      phone: clinic.contactPhone ? displayPhone(clinic.contactPhone) : null,
      origin: siteOrigin(context.site),
      timeZone: clinic.timeZone,
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "settings");
  // Read once; the reminder rows post their value and unit fields repeatedly, one pair per row.
  const form = await readFormWithLists(request, MESSAGE_SETTINGS_LISTS);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const by = {
    actor: { type: "staff" as const, id: staff.id },
    request: auditContextFromRequest(request, context),
  };
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  try {
    switch (intent) {
      case "cancellation": {
        const saved = await saveCancellationPolicy(
          db,
          {
            hours: text("hours"),
            applyToServices: form.applyToServices === "on",
          },
          by
        );
        return done(
          intent,
          `Saved: new services start with ${windowWords(saved.windowMin)}${
            saved.servicesChanged ? `, and ${saved.servicesChanged} ${saved.servicesChanged === 1 ? "service now uses" : "services now use"} it` : ""
          }. Visits already booked keep their window.`
        );
      }
      case "reminders": {
        const saved = await saveMessageSettings(db, messageSettingsFromForm(form), by);
        return done(intent, saved.reminderOffsetsMin.length ? "Saved. Visits booked from now on get these reminders." : "Saved: no reminders will be sent for new bookings.");
      }
      case "sms-countries": {
        const saved = await saveSmsCountries(db, { countries: text("countries") }, by);
        return done(intent, saved.length ? `Saved: sign-in codes also go to mobile numbers from ${saved.join(", ")}.` : "Saved: sign-in codes go only to mobile numbers of your locations' countries.");
      }
      case "override-roles": {
        const saved = await saveOverrideSetting(db, { overrideRoles: text("overrideRoles") }, by);
        if (!saved.ok) return refused(intent, saved.message, { overrideRoles: saved.message }, 400);
        return done(intent, "Saved: who may book outside the schedule.");
      }
      case "save-template": {
        await saveTemplate(
          db,
          {
            kind: text("kind"),
            channel: text("channel"),
            subject: text("channel") === "email" ? text("subject") : null,
            body: text("body"),
          },
          by
        );
        return done(intent, "The template was saved; the next message of this kind uses it.");
      }
      case "reset-template": {
        await resetTemplate(db, { kind: text("kind"), channel: text("channel") }, by);
        return done(intent, "Back to the default text.");
      }
      default:
        return refused(intent, "Unknown action.", {}, 400);
    }
  } catch (error) {
    return answerFromError(intent, error);
  }
}

export default function PanelSettings() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SetupAnswerView | undefined;
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  return (
    <>
      <PanelHeading title="Settings">
        <p>Booking policy and the messages patients get. Changes apply to bookings made from now on.</p>
      </PanelHeading>
      <div className="grid gap-6 xl:grid-cols-2">
        <CancellationSection policy={data.policy} answer={answerFor(answer, "cancellation")} busy={submitting === "cancellation"} />
        <RemindersSection key={JSON.stringify(data.messages)} messages={data.messages} timeZone={data.clinic.timeZone} answer={answerFor(answer, "reminders")} busy={submitting === "reminders"} />
        <OverrideRolesSection value={data.overrideRoles} answer={answerFor(answer, "override-roles")} busy={submitting === "override-roles"} />
        <SmsCountriesSection key={data.smsCountries.extra.join(",")} countries={data.smsCountries} answer={answerFor(answer, "sms-countries")} busy={submitting === "sms-countries"} />
        <TemplatesSection
          key={`${data.selected.kind}:${data.selected.channel}:${data.selected.custom}:${data.selected.body}`}
          data={data}
          answer={answer && (answer.intent === "save-template" || answer.intent === "reset-template") ? answer : undefined}
          submitting={submitting}
        />
      </div>
    </>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function OverrideRolesSection({ value, answer, busy }: { value: OverrideRoleSetting; answer?: SetupAnswerView; busy: boolean }) {
  return (
    <SetupSection title="Booking outside the schedule" testId="override-roles" description="Who may book a visit outside a doctor's hours, or squeeze one in over another visit of the same doctor, with a reason. A room and a patient's other bookings are never double-booked.">
      <AnswerLine answer={answer} testId="override-roles-answer" />
      <Form method="post" className="space-y-3">
        <fieldset>
          <legend className="field-label">Who may do it</legend>
          {OVERRIDE_ROLE_SETTINGS.map((option) => (
            <label key={option} className="flex min-h-11 items-center gap-3 text-sm text-slate-800">
              <input type="radio" name="overrideRoles" value={option} defaultChecked={value === option} className="h-5 w-5 accent-[rgb(var(--brand))]" />
              {OVERRIDE_SETTING_WORDS[option]}
            </label>
          ))}
        </fieldset>
        <SubmitButton value="override-roles" busy={busy} busyText="Saving…">
          Save
        </SubmitButton>
      </Form>
    </SetupSection>
  );
}

function CancellationSection({ policy, answer, busy }: { policy: LoaderData["policy"]; answer?: SetupAnswerView; busy: boolean }) {
  return (
    <SetupSection
      title="Cancellation window"
      testId="cancellation"
      description="How long before a visit patients can still change or cancel it on their own (and when a deposit is captured). Staff can always override, with a reason in the audit log."
    >
      <AnswerLine answer={answer} testId="cancellation-answer" />
      <p className="mb-3 text-sm text-slate-700">Services now: {policy.serviceWindows.length ? policy.serviceWindows.map((w) => `${w.services} with ${windowWords(w.windowMin)}`).join(" · ") : "no services yet"}.</p>
      <Form method="post" className="space-y-4">
        <TextField
          label="Window in hours"
          name="hours"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_CANCELLATION_WINDOW_HOURS}
          step={1}
          defaultValue={policy.defaultWindowMin / 60}
          error={answer?.errors.hours}
          hint="48 is common; 0 lets patients cancel until the visit starts."
        />
        <label className="flex min-h-11 items-start gap-3 text-sm text-slate-800">
          <input type="checkbox" name="applyToServices" defaultChecked={policy.serviceWindows.length <= 1} className="mt-0.5 h-5 w-5 shrink-0 accent-[rgb(var(--brand))]" />
          <span>
            Apply to all {policy.services} existing {policy.services === 1 ? "service" : "services"} too.{" "}
            {policy.serviceWindows.length > 1 ? "Left unticked because your services have different windows: saving then only sets what new services start with." : "Untick to keep each service’s own window and only set what new services start with."}
          </span>
        </label>
        <SubmitButton value="cancellation" busy={busy} busyText="Saving…">
          Save cancellation window
        </SubmitButton>
      </Form>
    </SetupSection>
  );
}

function RemindersSection({ messages, timeZone, answer, busy }: { messages: LoaderData["messages"]; timeZone: string; answer?: SetupAnswerView; busy: boolean }) {
  const [offsets, setOffsets] = useState(() => messages.reminderOffsetsMin.map(asOffset));
  const [quietOff, setQuietOff] = useState(messages.quietHours === null);
  const errors = answer?.errors ?? {};
  return (
    <SetupSection title="Reminders and quiet hours" testId="reminders" description={`Reminders go out this long before each visit. During quiet hours (${timeZone} time) messages wait until the morning; sign-in codes are never held back.`}>
      <AnswerLine answer={answer} testId="reminders-answer" />
      <Form method="post" className="space-y-4">
        <fieldset>
          <legend className="field-label">Reminders before the visit</legend>
          {offsets.length ? (
            <ul className="mt-2 space-y-2" data-testid="reminder-offsets">
              {offsets.map((o, i) => (
                <li key={i} className="flex flex-wrap items-center gap-2">
                  <label className="sr-only" htmlFor={`offset-${i}`}>
                    Reminder {i + 1}: how long before
                  </label>
                  <input
                    id={`offset-${i}`}
                    name="offsetValue"
                    type="number"
                    min={1}
                    step="any"
                    className="field-input mt-0 min-h-11 w-24"
                    value={o.value}
                    onChange={(e) =>
                      setOffsets((all) =>
                        all.map((x, j) =>
                          j === i
                            ? {
                                ...x,
                                value: e.target.value as unknown as number,
                              }
                            : x
                        )
                      )
                    }
                    aria-invalid={errors[`reminderOffsetsMin.${i}`] ? true : undefined}
                  />
                  <label className="sr-only" htmlFor={`unit-${i}`}>
                    Reminder {i + 1}: unit
                  </label>
                  <select id={`unit-${i}`} name="offsetUnit" className="field-input mt-0 min-h-11 w-32" value={o.unit} onChange={(e) => setOffsets((all) => all.map((x, j) => (j === i ? { ...x, unit: e.target.value as ReminderUnit } : x)))}>
                    <option value="minutes">minutes</option>
                    <option value="hours">hours</option>
                    <option value="days">days</option>
                  </select>
                  <span className="text-sm text-slate-600">before</span>
                  <button type="button" className="btn-secondary min-h-11 px-3" onClick={() => setOffsets((all) => all.filter((_, j) => j !== i))} aria-label={`Remove reminder ${i + 1}`}>
                    Remove
                  </button>
                  {errors[`reminderOffsetsMin.${i}`] ? (
                    <p className="field-error w-full" role="alert">
                      {errors[`reminderOffsetsMin.${i}`]}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-sm text-slate-600">No reminders: patients get only the booking confirmation.</p>
          )}
          {errors.reminderOffsetsMin ? (
            <p className="field-error" role="alert">
              {errors.reminderOffsetsMin}
            </p>
          ) : null}
          <button type="button" className="btn-secondary mt-2 min-h-11 px-3" disabled={offsets.length >= 5} onClick={() => setOffsets((all) => [...all, { value: 2, unit: "hours" }])}>
            Add a reminder
          </button>
          <p className="mt-1 text-sm text-slate-600">Up to five, from 1 minute to 14 days before.</p>
        </fieldset>

        <fieldset className="space-y-2">
          <legend className="field-label">Quiet hours</legend>
          <label className="flex min-h-11 items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" name="quietHoursOff" checked={quietOff} onChange={(e) => setQuietOff(e.target.checked)} className="h-5 w-5 accent-[rgb(var(--brand))]" />
            No quiet hours (send at any time)
          </label>
          {!quietOff ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField label="From" name="quietHoursStart" defaultValue={messages.quietHours ? minutesText(messages.quietHours.startMin) : "21:00"} error={errors.quietHoursStart} inputMode="numeric" maxLength={5} hint="24-hour time, e.g. 21:00" />
              <TextField label="Until" name="quietHoursEnd" defaultValue={messages.quietHours ? minutesText(messages.quietHours.endMin) : "08:00"} error={errors.quietHoursEnd} inputMode="numeric" maxLength={5} hint="e.g. 08:00 the next morning" />
            </div>
          ) : null}
        </fieldset>
        <SubmitButton value="reminders" busy={busy} busyText="Saving…">
          Save reminders
        </SubmitButton>
      </Form>
    </SetupSection>
  );
}

function SmsCountriesSection({ countries, answer, busy }: { countries: LoaderData["smsCountries"]; answer?: SetupAnswerView; busy: boolean }) {
  return (
    <SetupSection
      title="Where sign-in codes go"
      testId="sms-countries"
      description="Patients sign in with a code texted to their mobile number. Codes go only to mobile numbers of your locations' countries and of the countries you add here; every country added is one more an abuser could send costly texts to."
    >
      <AnswerLine answer={answer} testId="sms-countries-answer" />
      <p className="mb-3 text-sm text-slate-700">Your locations: {countries.own.length ? countries.own.join(", ") : "none yet (the country of your time zone is used)"}.</p>
      <Form method="post" className="space-y-4">
        <TextField
          label="Other countries"
          name="countries"
          defaultValue={countries.extra.join(", ")}
          error={answer?.errors.countries}
          maxLength={300}
          autoCapitalize="characters"
          hint="Two-letter country codes separated by commas, e.g. UZ, KZ. Leave empty for none."
        />
        <SubmitButton value="sms-countries" busy={busy} busyText="Saving…">
          Save countries
        </SubmitButton>
      </Form>
    </SetupSection>
  );
}

function TemplatesSection({ data, answer, submitting }: { data: LoaderData; answer?: SetupAnswerView; submitting: string | null }) {
  const { selected, templates, clinic } = data;
  const [subject, setSubject] = useState(selected.subject ?? "");
  const [body, setBody] = useState(selected.body);
  const samples = sampleVariables(clinic);
  const allowed = TEMPLATE_VARIABLES[selected.kind];
  const unknown = [...templateVariables(body), ...templateVariables(subject)].filter((v) => !(allowed as readonly string[]).includes(v));
  const max = selected.channel === "sms" ? SMS_MAX_LENGTH : EMAIL_MAX_LENGTH;
  const errors = answer?.errors ?? {};
  const customOf = (kind: MessageKind, channel: MessageChannel) => templates.find((t) => t.kind === kind && t.channel === channel)?.custom;
  return (
    <SetupSection title="Message templates" className="xl:col-span-2" testId="templates" description="The wording of each message, by SMS and by email. Variables in double braces are filled in for each patient.">
      <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <nav aria-label="Templates">
          <ul className="grid grid-cols-2 gap-1 sm:grid-cols-3 lg:grid-cols-1">
            {MESSAGE_KINDS.map((kind) => (
              <li key={kind}>
                <Link
                  to={`?kind=${kind}&channel=${selected.channel}`}
                  preventScrollReset
                  aria-current={kind === selected.kind ? "page" : undefined}
                  className={`flex min-h-11 items-center justify-between gap-2 rounded-lg px-3 py-2 text-sm font-medium ${kind === selected.kind ? "bg-brand text-brand-ink" : "text-slate-700 hover:bg-slate-100"}`}
                >
                  <span>{KIND_WORDS[kind]}</span>
                  {customOf(kind, "sms") || customOf(kind, "email") ? <span className="text-xs font-semibold opacity-90">edited</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Channel">
            {(["sms", "email"] as const).map((ch) => (
              <Link key={ch} to={`?kind=${selected.kind}&channel=${ch}`} preventScrollReset aria-current={ch === selected.channel ? "page" : undefined} className={`${ch === selected.channel ? "btn-primary" : "btn-secondary"} min-h-11 px-4`}>
                {ch === "sms" ? "SMS" : "Email"}
              </Link>
            ))}
            <Pill tone={selected.custom ? "brand" : "muted"}>{selected.custom ? "Clinic's own text" : "Default text"}</Pill>
          </div>
          <AnswerLine answer={answer} testId="template-answer" />
          <div className="mt-4 grid gap-6 lg:grid-cols-2">
            <Form method="post" className="space-y-4">
              <input type="hidden" name="kind" value={selected.kind} />
              <input type="hidden" name="channel" value={selected.channel} />
              {selected.channel === "email" ? <TextField label="Subject" name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} maxLength={150} /> : null}
              <TextAreaField
                label={`${KIND_WORDS[selected.kind]} · ${selected.channel === "sms" ? "SMS" : "email"} text`}
                name="body"
                value={body}
                onChange={(e) => setBody(e.target.value)}
                rows={selected.channel === "sms" ? 5 : 10}
                error={errors.body ?? (unknown.length ? `Unknown variable ${unknown.map((v) => `{{${v}}}`).join(", ")}: this message cannot fill it in.` : undefined)}
                hint={`${body.length} of ${max} characters`}
              />
              <div className="flex flex-wrap gap-3">
                <SubmitButton value="save-template" busy={submitting === "save-template"} busyText="Saving…">
                  Save template
                </SubmitButton>
                {selected.custom ? (
                  <SubmitButton value="reset-template" tone="secondary" busy={submitting === "reset-template"} busyText="Resetting…">
                    Reset to default
                  </SubmitButton>
                ) : null}
              </div>
              <div>
                <h3 className="text-sm font-semibold text-slate-900">Variables for this message</h3>
                <ul className="mt-2 space-y-1 text-sm">
                  {allowed.map((v) => (
                    <li key={v}>
                      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900">{`{{${v}}}`}</code> <span className="text-slate-600">{VARIABLE_DESCRIPTIONS[v]}</span>
                    </li>
                  ))}
                </ul>
              </div>
            </Form>
            <section aria-labelledby="template-preview-heading" data-testid="template-preview">
              <h3 id="template-preview-heading" className="text-sm font-semibold text-slate-900">
                Preview with sample values
              </h3>
              <div className="mt-2 rounded-2xl bg-slate-100 p-4">
                {selected.channel === "email" ? <p className="mb-2 border-b border-slate-300 pb-2 font-semibold text-slate-900">{previewTemplate(selected.kind, subject, samples)}</p> : null}
                <p className={`whitespace-pre-line break-words text-sm leading-6 text-slate-900 ${selected.channel === "sms" ? "max-w-sm rounded-2xl rounded-bl-sm bg-white p-3 shadow-sm" : ""}`}>{previewTemplate(selected.kind, body, samples)}</p>
              </div>
              <p className="mt-2 text-sm text-slate-600">
                Sample patient Maria, {samples.serviceName} with {samples.doctorName}.
              </p>
            </section>
          </div>
        </div>
      </div>
    </SetupSection>
  );
}
