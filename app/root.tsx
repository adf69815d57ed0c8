import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import type { CSSProperties, ReactNode } from "react";
import stylesheet from "~/tailwind.css?url";
import { ErrorPage } from "~/components/error-page";
import { MEDSLOT_THEME, themeVariables } from "~/modules/tenancy/theme";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Medslot" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { site } = context;
  if (site.kind === "not-found") {
    throw new Response(JSON.stringify({ reason: site.reason, host: site.host }), {
      status: 404,
      headers: { "Content-Type": "application/json" },
    });
  }
  if (site.kind === "marketplace") return { site: { kind: "marketplace" as const } };
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
        logoUrl: c.hasLogo ? `/brand/logo?v=${c.logoVersion}` : null,
        contactPhone: c.contactPhone,
        contactEmail: c.contactEmail,
      },
    },
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const theme = data?.site.kind === "clinic" ? themeVariables(data.site.clinic.colorPrimary, data.site.clinic.colorAccent) : MEDSLOT_THEME;
  return (
    <html lang="en" style={theme as CSSProperties}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content={data?.site.kind === "clinic" ? data.site.clinic.colorPrimary : "#0f766e"} />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen font-sans">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
