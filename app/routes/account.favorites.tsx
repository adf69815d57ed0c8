import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { crossSiteLink, MARKETPLACE } from "~/modules/auth/hand-off.server";
import { useLoaderData } from "@remix-run/react";
import { FavoriteButton } from "~/components/favorite-button";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requirePatient } from "~/modules/auth/guards.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { listFavorites, type SavedFavorite } from "~/modules/favorites/favorites.server";
import { clinicPagePath, doctorPagePath, serviceView } from "~/modules/marketplace/place-views.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { getDb } from "~/utils/db.server";

type Kind = SavedFavorite["kind"];

interface FavoriteView {
  key: string;
  kind: Kind;
  clinicId: string;
  targetId: string;
  offered: boolean;
  title: string;
  subtitle: string | null;
  href: string | null;
  bookUrl: string | null;
}

const KIND_HEADINGS: Record<Kind, string> = { clinic: "Clinics", service: "Services", doctor: "Doctors" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  const { patient } = await requirePatient(request, context);
  const onClinicSite = site.kind === "clinic";
  const favorites = await listFavorites(getDb(), { clinicId: onClinicSite ? site.clinic.id : null }, patient.id, auditContextFromRequest(request, context));
  const market = marketplaceOrigin();
  // On a clinic's site, links to the clinic's marketplace pages lead to the marketplace host, and
  // booking links to each clinic's site: the patient arrives signed in there (decision 042).
  const pageUrl = (path: string) => (onClinicSite ? crossSiteLink(MARKETPLACE, path) : path);
  const bookAt = (slug: string, url: string) => (onClinicSite && site.clinic.slug === slug ? new URL(url).pathname + new URL(url).search : crossSiteLink(slug, new URL(url).pathname + new URL(url).search));
  const views: FavoriteView[] = favorites.map((f) => {
    const base = { key: `${f.kind}:${f.clinicId}:${f.targetId}`, kind: f.kind, clinicId: f.clinicId, targetId: f.targetId };
    const t = f.target;
    if (!t) return { ...base, offered: false, title: `A ${f.kind} you saved`, subtitle: "No longer offered", href: null, bookUrl: null };
    const siteUrl = clinicSiteOrigin(t.clinic.slug);
    if (t.kind === "clinic") return { ...base, offered: true, title: t.clinic.name, subtitle: t.clinic.city ?? t.clinic.tagline, href: pageUrl(clinicPagePath(t.clinic.slug)), bookUrl: bookAt(t.clinic.slug, `${siteUrl}/book`) };
    if (t.kind === "service") {
      const s = serviceView(t.service, siteUrl);
      return { ...base, offered: true, title: s.name, subtitle: `${t.clinic.name} · ${s.duration} · ${s.price}`, href: pageUrl(clinicPagePath(t.clinic.slug)), bookUrl: bookAt(t.clinic.slug, s.bookUrl) };
    }
    return {
      ...base,
      offered: true,
      title: t.doctor.name,
      subtitle: [t.doctor.specialty, t.clinic.name].filter(Boolean).join(" · "),
      href: pageUrl(doctorPagePath(t.clinic.slug, t.doctor.id)),
      bookUrl: null,
    };
  });
  const groups = (["clinic", "service", "doctor"] as const).map((kind) => ({ kind, heading: KIND_HEADINGS[kind], items: views.filter((v) => v.kind === kind) })).filter((g) => g.items.length);
  return { where: onClinicSite ? ("clinic" as const) : ("marketplace" as const), clinicName: onClinicSite ? site.clinic.name : null, groups, searchUrl: `${market}/search` };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.clinicName ? `Your favorites · ${data.clinicName}` : "Your favorites · Medslot" }];

export default function AccountFavorites() {
  const { where, clinicName, groups, searchUrl } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="favorites-heading" className="mt-6">
      <h1 id="favorites-heading" className="text-2xl font-bold tracking-tight text-slate-900">
        Your favorites
      </h1>
      <p className="mt-1 text-slate-700">
        {where === "clinic" ? `Services and doctors you saved at ${clinicName}.` : "Clinics, services and doctors you saved, at every clinic."}
      </p>
      {groups.length === 0 ? (
        <div className="card mt-6 flex flex-col items-center px-6 py-12 text-center" data-testid="no-favorites">
          <svg viewBox="0 0 24 24" aria-hidden="true" className="h-10 w-10 text-slate-400">
            <path d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.8 4.5c2.2 0 3.7 1.2 5.2 3 1.5-1.8 3-3 5.2-3 3.8 0 5.9 3.9 4.4 7.3C19.5 16.4 12 21 12 21Z" fill="none" stroke="currentColor" strokeWidth="1.8" />
          </svg>
          <p className="mt-4 text-lg font-semibold text-slate-900">No favorites yet</p>
          <p className="mt-1 max-w-md text-slate-600">Tap the heart on a clinic, a service or a doctor to keep it here for next time.</p>
          <div className="mt-6 flex flex-wrap justify-center gap-2">
            <a href={searchUrl} className="btn-primary px-5 py-3">
              Search services
            </a>
            {where === "marketplace" ? (
              <a href="/clinics" className="btn-secondary px-5 py-3">
                Browse clinics
              </a>
            ) : null}
          </div>
        </div>
      ) : (
        groups.map((g) => (
          <section key={g.kind} aria-labelledby={`favorites-${g.kind}`} className="mt-6">
            <h2 id={`favorites-${g.kind}`} className="text-lg font-semibold text-slate-900">
              {g.heading}
            </h2>
            <ul className="mt-2 space-y-3" data-testid={`favorites-${g.kind}`}>
              {g.items.map((f) => (
                <li key={f.key} className="card flex flex-wrap items-center justify-between gap-3 p-4" data-testid="favorite-item" data-offered={f.offered}>
                  <div className="min-w-0">
                    <p className="font-semibold text-slate-900">
                      {f.href ? (
                        <a href={f.href} className="underline decoration-slate-300 underline-offset-4 hover:decoration-slate-900">
                          {f.title}
                        </a>
                      ) : (
                        f.title
                      )}
                    </p>
                    {f.subtitle ? <p className={`text-sm ${f.offered ? "text-slate-600" : "font-medium text-amber-900"}`}>{f.subtitle}</p> : null}
                  </div>
                  <div className="flex items-center gap-2">
                    {f.bookUrl ? (
                      <a href={f.bookUrl} className="btn-secondary px-4 py-2.5">
                        Book<span className="sr-only"> {f.title}</span>
                      </a>
                    ) : null}
                    <FavoriteButton target={{ kind: f.kind, clinicId: f.clinicId, targetId: f.targetId, name: f.title }} saved removeOnly />
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}
