import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { getClinicLogo } from "~/modules/clinic/logo.server";

/**
 * The clinic's logo. A versioned URL (?v= the logo's update time) is cached for a year because a new
 * logo gets a new version; an unversioned or stale one is revalidated. SVG is served with a CSP
 * that forbids scripts and sandboxes the document (opaque origin, no forms, no navigation), so an
 * uploaded SVG opened on its own cannot act on the clinic's host.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = requireClinicSite(context);
  const logo = await getClinicLogo(db);
  if (!logo) throw new Response("This clinic has no logo", { status: 404 });

  const etag = `"logo-${logo.version}"`;
  const requested = new URL(request.url).searchParams.get("v");
  const headers = new Headers({
    "Content-Type": logo.contentType,
    "X-Content-Type-Options": "nosniff",
    ETag: etag,
    "Cache-Control": requested === String(logo.version) ? "public, max-age=31536000, immutable" : "public, max-age=300, must-revalidate",
    // The marketplace shows clinic logos from the clinic's own host.
    "Cross-Origin-Resource-Policy": "cross-site",
  });
  if (logo.contentType.includes("svg")) headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(logo.bytes), { status: 200, headers });
}
