import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ClinicMark } from "~/components/clinic-mark";
import { PanelHeading } from "~/components/panel-shell";
import { ClinicStatusBadge, Pill } from "~/components/status-badge";
import { requireStaff } from "~/modules/auth/guards.server";
import { getClinicProfile } from "~/modules/clinic/clinic-profile.server";
import { getDb } from "~/utils/db.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";

export const meta: MetaFunction = () => [{ title: "Clinic profile · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId } = await requireStaff(request, context, ["owner"]);
  const profile = await getClinicProfile(getDb(), clinicId);
  return { profile, logoUrl: clinicLogoUrl({ hasLogo: profile.hasLogo, logoVersion: profile.logoUpdatedAt ? Date.parse(profile.logoUpdatedAt) : 0 }) };
}

const STATUS_EXPLAINED = {
  draft: "Only people with the address can open the site, and it is not listed on the marketplace.",
  live: "The site is public and the clinic is listed on the marketplace.",
  suspended: "The site is offline for patients.",
} as const;

export default function PanelClinicProfile() {
  const { profile, logoUrl } = useLoaderData<typeof loader>();
  return (
    <>
      <PanelHeading title="Clinic profile">
        <p>How {profile.name} appears to patients on its site and on the marketplace.</p>
      </PanelHeading>

      <div className="grid gap-6 xl:grid-cols-2">
        <Section title="Identity">
          <div className="flex flex-col gap-3">
            <ClinicMark name={profile.name} logoUrl={logoUrl} size="lg" />
            <div className="min-w-0">
              <p className="text-lg font-semibold text-slate-900">{profile.name}</p>
              <p className="text-sm text-slate-600">{profile.tagline ?? "No tagline yet"}</p>
            </div>
          </div>
          <Facts>
            <Fact label="Status">
              <span className="flex flex-wrap items-center gap-2">
                <ClinicStatusBadge status={profile.status} />
                <span className="text-sm text-slate-600">{STATUS_EXPLAINED[profile.status]}</span>
              </span>
            </Fact>
            <Fact label="Site address">{profile.slug}</Fact>
            <Fact label="Time zone">{profile.timeZone}</Fact>
            <Fact label="City">{profile.city ?? "—"}</Fact>
            <Fact label="Specialties">
              {profile.specialties.length ? (
                <span className="flex flex-wrap gap-1.5">
                  {profile.specialties.map((s) => (
                    <Pill key={s}>{s}</Pill>
                  ))}
                </span>
              ) : (
                "—"
              )}
            </Fact>
            <Fact label="Locations">{profile.locationCount}</Fact>
            <Fact label="Logo">{profile.hasLogo ? `${profile.logoType}` : "No logo; initials are shown instead"}</Fact>
          </Facts>
        </Section>

        <Section title="Contacts">
          <Facts>
            <Fact label="Phone">{profile.contactPhone ?? "—"}</Fact>
            <Fact label="Email">{profile.contactEmail ?? "—"}</Fact>
            <Fact label="Website">{profile.website ?? "—"}</Fact>
          </Facts>
        </Section>

        <Section title="Colours">
          <p className="text-sm text-slate-600">Text on each colour needs a contrast of at least 4.5 : 1 to be easy to read (WCAG AA).</p>
          <ul className="mt-4 space-y-3" data-testid="colour-checks">
            {profile.colours.map((c) => (
              <li key={c.name} className="flex flex-wrap items-center gap-3">
                <span className="inline-flex h-12 w-24 items-center justify-center rounded-lg text-sm font-semibold ring-1 ring-slate-200" style={{ backgroundColor: c.hex, color: c.textOn }}>
                  Aa
                </span>
                <span className="min-w-0 flex-1">
                  <span className="block font-medium text-slate-900">{c.name}</span>
                  <span className="block font-mono text-sm text-slate-600">{c.hex}</span>
                </span>
                <Pill tone={c.passes ? "good" : "warn"}>
                  {c.ratio.toFixed(2)} : 1 · {c.passes ? "Readable" : "Too low"}
                </Pill>
              </li>
            ))}
          </ul>
        </Section>

        <Section title="Custom domains">
          {profile.domains.length ? (
            <ul className="divide-y divide-slate-200">
              {profile.domains.map((d) => (
                <li key={d.id} className="flex items-center justify-between gap-3 py-2.5">
                  <span className="break-all font-mono text-sm text-slate-900">{d.host}</span>
                  <Pill tone={d.verified ? "good" : "warn"}>{d.verified ? "Verified" : "Not verified"}</Pill>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">No custom domain. Patients reach the clinic at its Medslot address.</p>
          )}
        </Section>

        <Section title="Description" wide>
          {profile.description ? (
            <div className="space-y-3 text-sm leading-6 text-slate-700">
              {profile.description
                .split(/\n{2,}/)
                .filter(Boolean)
                .map((p) => (
                  <p key={p}>{p}</p>
                ))}
            </div>
          ) : (
            <p className="text-sm text-slate-600">No description yet.</p>
          )}
        </Section>
      </div>
    </>
  );
}

function Section({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`card p-5 sm:p-6 ${wide ? "xl:col-span-2" : ""}`}>
      <h2 id={id} className="mb-4 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="mt-4 divide-y divide-slate-100">{children}</dl>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2.5 sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="break-words text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}
