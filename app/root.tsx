import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import type { CSSProperties, ReactNode } from "react";
import stylesheet from "~/tailwind.css";
import { ErrorPage } from "~/components/error-page";
import { useRootData } from "~/components/root-data";
import { useNonce } from "~/components/nonce";
import { NavigationProgress } from "~/components/navigation-progress";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { getViewer } from "~/modules/auth/guards.server";
import { marketplaceOrigin } from "~/utils/public-urls.server";
import { MEDSLOT_THEME, themeVariables } from "~/modules/tenancy/theme";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";

/**
 * Before any module script: zod parses without compiling its parsers through `new Function`. The
 * page's Content-Security-Policy forbids eval, and zod's own check for it would be reported as a
 * violation. zod reads its settings from this global when it loads.
 */
const ZOD_WITHOUT_EVAL = "(globalThis.__zod_globalConfig ??= {}).jitless = true;";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Medslot" },
  { name: "description", content: "Book appointments at clinics near you." },
];

/** What the header shows about who is signed in: a name, never contact details. */
export type ViewerSummary =
  | { kind: "anonymous" }
  | { kind: "patient"; name: string }
  | { kind: "staff"; name: string; operator: boolean };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { site } = context;
  const marketplace = marketplaceOrigin();
  if (site.kind === "not-found") {
    // The error page reads this body: why nothing is here, and where the marketplace is.
    throw new Response(JSON.stringify({ reason: site.reason, host: site.host, marketplaceUrl: marketplace }), {
      status: 404,
      headers: { "Content-Type": "application/json" },
    });
  }
  const viewer = await getViewer(request, context);
  const summary: ViewerSummary =
    viewer.kind === "patient"
      ? { kind: "patient", name: [viewer.patient.firstName, viewer.patient.lastName].filter(Boolean).join(" ") || "My account" }
      : viewer.kind === "staff"
        ? { kind: "staff", name: viewer.staff.name, operator: Boolean(viewer.operator) }
        : { kind: "anonymous" };

  if (site.kind === "marketplace") return { site: { kind: "marketplace" as const }, marketplaceUrl: marketplace, viewer: summary };
  const c = site.clinic;
  return {
    site: {
      kind: "clinic" as const,
      clinic: {
        slug: c.slug,
        name: c.name,
        tagline: c.tagline,
        timeZone: c.timeZone,
        status: c.status,
        colorPrimary: c.colorPrimary,
        colorAccent: c.colorAccent,
        logoUrl: clinicLogoUrl(c),
        contactPhone: c.contactPhone ? { display: displayPhone(c.contactPhone), href: telHref(c.contactPhone) } : null,
        contactEmail: c.contactEmail,
      },
    },
    marketplaceUrl: marketplace,
    viewer: summary,
  };
}


export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const nonce = useNonce();
  const theme = data?.site.kind === "clinic" ? themeVariables(data.site.clinic.colorPrimary, data.site.clinic.colorAccent) : MEDSLOT_THEME;
  return (
    <html lang="en" style={theme as CSSProperties}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content={data?.site.kind === "clinic" ? data.site.clinic.colorPrimary : "#0f766e"} />
        <Meta />
        <Links />
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: ZOD_WITHOUT_EVAL }} />
      </head>
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-semibold focus:text-slate-900 focus:shadow-lg">
          Skip to content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <>
      <NavigationProgress />
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
