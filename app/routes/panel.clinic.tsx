import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState, type CSSProperties } from "react";
import { ClinicHeader } from "~/components/clinic-header";
import { ClinicHero } from "~/components/clinic-home";
import { AnswerLine, answerFor, SetupSection, SubmitButton, TextAreaField, TextField, type SetupAnswerView } from "~/components/owner/setup-form";
import { PanelHeading } from "~/components/panel-shell";
import { ClinicStatusBadge, Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { checkAccentColour, checkPrimaryColour, MAX_UPLOADED_LOGO_BYTES, sniffUploadedLogo, type ColourCheck } from "~/modules/clinic/branding";
import { getClinicProfile } from "~/modules/clinic/clinic-profile.server";
import { removeClinicLogo, updateClinicProfile, uploadClinicLogo } from "~/modules/clinic/clinic-setup.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { answerFromError, done, refused } from "~/modules/clinic/setup-answers.server";
import { themeVariables } from "~/modules/tenancy/theme";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Clinic profile · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "clinic");
  const profile = await getClinicProfile(db);
  return {
    profile,
    logoUrl: clinicLogoUrl({
      hasLogo: profile.hasLogo,
      logoVersion: profile.logoUpdatedAt ? Date.parse(profile.logoUpdatedAt) : 0,
    }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "clinic");
  // A body over 1 MB plus the form around it never gets here (app/utils/body-limit.server.ts).
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const by = {
    actor: { type: "staff" as const, id: staff.id },
    request: auditContextFromRequest(request, context),
  };
  try {
    switch (intent) {
      case "profile": {
        const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
        const { changed } = await updateClinicProfile(
          db,
          {
            name: text("name"),
            tagline: text("tagline"),
            description: text("description"),
            contactPhone: text("contactPhone"),
            contactEmail: text("contactEmail"),
            website: text("website"),
            colorPrimary: text("colorPrimary"),
            colorAccent: text("colorAccent"),
          },
          by
        );
        return done(intent, changed.length ? "Saved. The clinic's site shows the change now." : "Nothing had changed.");
      }
      case "logo": {
        const file = form.logo;
        if (!file || typeof file === "string" || file.size === 0)
          return refused(intent, "Choose a picture file to upload.", {
            logo: "Choose a PNG, JPEG or WebP file.",
          });
        await uploadClinicLogo(db, new Uint8Array(await file.arrayBuffer()), by);
        return done(intent, "The new logo is on the clinic's site.");
      }
      case "remove-logo": {
        const removed = await removeClinicLogo(db, by);
        return done(intent, removed ? "The logo was removed; the site shows the clinic's initials." : "There was no logo to remove.");
      }
      default:
        return refused(intent, "Unknown action.", {}, 400);
    }
  } catch (error) {
    return answerFromError(intent, error);
  }
}

const STATUS_EXPLAINED = {
  draft: "Only people with the address can open the site, and it is not listed on the marketplace.",
  live: "The site is public and the clinic is listed on the marketplace.",
  suspended: "The site is offline for patients.",
} as const;

type Fields = {
  name: string;
  tagline: string;
  description: string;
  contactPhone: string;
  contactEmail: string;
  website: string;
  colorPrimary: string;
  colorAccent: string;
};

export default function PanelClinicProfile() {
  const { profile, logoUrl } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SetupAnswerView | undefined;
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const [fields, setFields] = useState<Fields>({
    name: profile.name,
    tagline: profile.tagline ?? "",
    description: profile.description ?? "",
    contactPhone: profile.contactPhone ?? "",
    contactEmail: profile.contactEmail ?? "",
    website: profile.website ?? "",
    colorPrimary: profile.colorPrimary,
    colorAccent: profile.colorAccent,
  });
  const set = (name: keyof Fields) => (event: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: event.target.value }));
  const [chosenLogo, setChosenLogo] = useState<{
    url: string;
    problem: string | null;
    tooLarge: boolean;
  } | null>(null);
  useEffect(() => () => (chosenLogo ? URL.revokeObjectURL(chosenLogo.url) : undefined), [chosenLogo]);
  // Once uploaded (or removed), the preview shows the saved logo again.
  useEffect(() => setChosenLogo(null), [profile.logoUpdatedAt]);
  const profileAnswer = answerFor(answer, "profile");
  const logoAnswer = answer && (answer.intent === "logo" || answer.intent === "remove-logo") ? answer : undefined;
  const errors = profileAnswer?.errors ?? {};
  const primary = checkPrimaryColour(fields.colorPrimary);
  const accent = checkAccentColour(fields.colorAccent);
  const previewLogo = chosenLogo && !chosenLogo.problem ? chosenLogo.url : logoUrl;

  async function chooseLogo(file: File | undefined) {
    if (!file) return setChosenLogo(null);
    const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
    const problem =
      file.size > MAX_UPLOADED_LOGO_BYTES ? `The file is ${(file.size / (1024 * 1024)).toFixed(1)} MB; a logo may be at most 1 MB.` : sniffUploadedLogo(head) ? null : "This file is not a PNG, JPEG or WebP picture (whatever its name says).";
    setChosenLogo({ url: URL.createObjectURL(file), problem, tooLarge: file.size > MAX_UPLOADED_LOGO_BYTES });
  }

  return (
    <>
      <PanelHeading title="Clinic profile">
        <p>
          How {profile.name} appears to patients on its site and on the marketplace. Changes show on the site as soon as you save.{" "}
          <a href="/" target="_blank" rel="noreferrer" className="font-semibold text-brand underline" data-testid="open-site">
            Open the clinic&rsquo;s site
          </a>
        </p>
      </PanelHeading>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <SetupSection title="Profile and colours" description="Everything here is public: patients see it on the clinic's site and the marketplace.">
            <AnswerLine answer={profileAnswer} testId="profile-answer" />
            <Form method="post" className="space-y-4" noValidate>
              <TextField label="Clinic name" name="name" value={fields.name} onChange={set("name")} error={errors.name} required maxLength={120} />
              <TextField label="Tagline" name="tagline" value={fields.tagline} onChange={set("tagline")} error={errors.tagline} maxLength={160} hint="One line under the name, e.g. what the clinic is known for." />
              <TextAreaField
                label="Description"
                name="description"
                value={fields.description}
                onChange={set("description")}
                error={errors.description}
                rows={5}
                maxLength={4000}
                hint="Shown under “About us”. Leave an empty line between paragraphs."
              />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField label="Phone" name="contactPhone" type="tel" autoComplete="tel" value={fields.contactPhone} onChange={set("contactPhone")} error={errors.contactPhone} />
                <TextField label="Email" name="contactEmail" type="email" autoComplete="email" value={fields.contactEmail} onChange={set("contactEmail")} error={errors.contactEmail} />
              </div>
              <TextField label="Website" name="website" type="url" value={fields.website} onChange={set("website")} error={errors.website} hint="The full address, starting with https://" />
              <div className="grid gap-4 sm:grid-cols-2">
                <ColourField
                  label="Primary colour"
                  name="colorPrimary"
                  value={fields.colorPrimary}
                  onChange={(v) => setFields((f) => ({ ...f, colorPrimary: v }))}
                  check={primary}
                  error={errors.colorPrimary}
                  hint="Buttons and links, with white text."
                />
                <ColourField label="Accent colour" name="colorAccent" value={fields.colorAccent} onChange={(v) => setFields((f) => ({ ...f, colorAccent: v }))} check={accent} error={errors.colorAccent} hint="Highlights, with white or dark text." />
              </div>
              <SubmitButton value="profile" busy={submitting === "profile"} busyText="Saving…">
                Save profile
              </SubmitButton>
            </Form>
          </SetupSection>

          <SetupSection title="Logo" description="PNG, JPEG or WebP, at most 1 MB. A wide logo with the clinic's name reads best; without one the site shows the initials on the primary colour.">
            <AnswerLine answer={logoAnswer} testId="logo-answer" />
            {/* A file over 1 MB is not sent: the server would refuse it without reading it (a 413 page). */}
            <Form
              method="post"
              encType="multipart/form-data"
              className="space-y-4"
              key={profile.logoUpdatedAt ?? "no-logo"}
              onSubmit={(e) => {
                const intent = (e.nativeEvent as SubmitEvent).submitter?.getAttribute("value");
                if (intent === "logo" && chosenLogo?.tooLarge) e.preventDefault();
              }}
            >
              <div>
                <label htmlFor="field-logo" className="field-label">
                  Logo file
                </label>
                <input
                  id="field-logo"
                  name="logo"
                  type="file"
                  accept="image/png,image/jpeg,image/webp"
                  className="mt-1 block min-h-11 w-full text-sm text-slate-800 file:mr-3 file:min-h-11 file:rounded-lg file:border file:border-slate-300 file:bg-white file:px-4 file:font-semibold file:text-slate-800"
                  aria-invalid={logoAnswer?.errors.logo || chosenLogo?.problem ? true : undefined}
                  aria-describedby="field-logo-error"
                  onChange={(e) => void chooseLogo(e.target.files?.[0])}
                />
                <p id="field-logo-error" className="field-error" role={chosenLogo?.problem || logoAnswer?.errors.logo ? "alert" : undefined}>
                  {chosenLogo?.problem ?? logoAnswer?.errors.logo ?? ""}
                </p>
              </div>
              <div className="flex flex-wrap gap-3">
                <SubmitButton value="logo" busy={submitting === "logo"} busyText="Uploading…">
                  Upload logo
                </SubmitButton>
                {profile.hasLogo ? (
                  <SubmitButton value="remove-logo" tone="secondary" busy={submitting === "remove-logo"} busyText="Removing…">
                    Remove logo
                  </SubmitButton>
                ) : null}
              </div>
              <p className="text-sm text-slate-600">{profile.hasLogo ? `Current logo: ${profile.logoType?.replace("image/", "").toUpperCase()}.` : "No logo yet."}</p>
            </Form>
          </SetupSection>
        </div>

        <div className="space-y-6">
          <section aria-labelledby="preview-heading" className="card overflow-hidden xl:sticky xl:top-6" data-testid="live-preview">
            <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-5 py-3">
              <h2 id="preview-heading" className="text-lg font-semibold text-slate-900">
                Live preview
              </h2>
              <span className="text-sm text-slate-600">{chosenLogo && !chosenLogo.problem ? "With the chosen logo (not uploaded yet)" : "As you type, before saving"}</span>
            </div>
            {/* The site's own header and hero, in the colours being typed; links are inert here. */}
            <div
              style={themeVariables(primary.ok ? fields.colorPrimary : profile.colorPrimary, accent.ok ? fields.colorAccent : profile.colorAccent) as CSSProperties}
              className="pointer-events-none select-none"
              aria-hidden="true"
              {...{ inert: "" }}
              data-testid="preview-site"
            >
              <ClinicHeader name={fields.name || profile.name} logoUrl={previewLogo} viewer={{ kind: "anonymous" }} />
              <ClinicHero name={fields.name || profile.name} tagline={fields.tagline.trim() || null} contactPhone={fields.contactPhone.trim() ? { display: fields.contactPhone.trim(), href: "#" } : null} headingLevel={2} />
            </div>
            {!primary.ok || !accent.ok ? <p className="border-t border-slate-200 px-5 py-3 text-sm text-amber-900">The preview keeps the saved colour until the new one is readable.</p> : null}
          </section>

          <SetupSection title="Site and status">
            <dl className="divide-y divide-slate-100 text-sm">
              <div className="grid grid-cols-3 gap-3 py-2.5">
                <dt className="font-medium text-slate-600">Status</dt>
                <dd className="col-span-2 flex flex-wrap items-center gap-2">
                  <ClinicStatusBadge status={profile.status} />
                  <span className="text-slate-600">{STATUS_EXPLAINED[profile.status]}</span>
                </dd>
              </div>
              <div className="grid grid-cols-3 gap-3 py-2.5">
                <dt className="font-medium text-slate-600">Site address</dt>
                <dd className="col-span-2 break-all text-slate-900">{profile.slug}</dd>
              </div>
              <div className="grid grid-cols-3 gap-3 py-2.5">
                <dt className="font-medium text-slate-600">Time zone</dt>
                <dd className="col-span-2 text-slate-900">{profile.timeZone}</dd>
              </div>
              <div className="grid grid-cols-3 gap-3 py-2.5">
                <dt className="font-medium text-slate-600">Locations</dt>
                <dd className="col-span-2 text-slate-900">
                  {profile.locationCount}{" "}
                  <a href="/panel/locations" className="font-semibold text-brand underline">
                    Manage locations
                  </a>
                </dd>
              </div>
              <div className="grid grid-cols-3 gap-3 py-2.5">
                <dt className="font-medium text-slate-600">Custom domains</dt>
                <dd className="col-span-2 space-y-1">
                  {profile.domains.length
                    ? profile.domains.map((d) => (
                        <span key={d.id} className="flex flex-wrap items-center gap-2">
                          <span className="break-all font-mono text-slate-900">{d.host}</span>
                          <Pill tone={d.verified ? "good" : "warn"}>{d.verified ? "Verified" : "Not verified"}</Pill>
                        </span>
                      ))
                    : "None"}
                </dd>
              </div>
            </dl>
          </SetupSection>
        </div>
      </div>
    </>
  );
}

function ColourField({ label, name, value, onChange, check, error, hint }: { label: string; name: string; value: string; onChange: (v: string) => void; check: ColourCheck; error?: string; hint: string }) {
  const id = `field-${name}`;
  const message = error ?? (check.problem && /^#[0-9a-f]{6}$/i.test(value) ? check.problem : undefined);
  const valid = /^#[0-9a-f]{6}$/i.test(value);
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-600">
        {hint}
      </p>
      <div className="mt-1 flex items-center gap-2">
        <input type="color" aria-label={`${label} picker`} value={valid ? value.toLowerCase() : "#000000"} onChange={(e) => onChange(e.target.value)} className="h-11 w-14 shrink-0 cursor-pointer rounded-lg border border-slate-300 bg-white p-1" />
        <input
          id={id}
          name={name}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="field-input mt-0 min-h-11 font-mono"
          spellCheck={false}
          autoComplete="off"
          maxLength={7}
          aria-invalid={message ? true : undefined}
          aria-describedby={`${id}-hint ${id}-check${message ? ` ${id}-error` : ""}`}
        />
      </div>
      <p id={`${id}-check`} className="mt-1.5 flex flex-wrap items-center gap-2 text-sm" data-testid={`${name}-check`}>
        {valid ? (
          <>
            {/* Samples of the colour under white and dark text, readable or not: the ratios are in the words beside them. */}
            <span aria-hidden="true" data-contrast-sample className="inline-flex h-7 items-center rounded-md px-2 text-xs font-semibold" style={{ backgroundColor: value, color: "#ffffff" }}>
              Aa
            </span>
            <span aria-hidden="true" data-contrast-sample className="inline-flex h-7 items-center rounded-md px-2 text-xs font-semibold" style={{ backgroundColor: value, color: "#0f172a" }}>
              Aa
            </span>
            <Pill tone={check.ok ? "good" : "warn"}>
              {check.ok ? "Readable" : "Too low"} · white {check.withWhite.toFixed(1)}, dark {check.withInk.toFixed(1)} : 1
            </Pill>
          </>
        ) : (
          <span className="text-slate-600">Six-digit hex, e.g. #1d4ed8</span>
        )}
      </p>
      {message ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
