import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { getClinicLogo } from "~/modules/clinic/logo.server";
import { versionedImageResponse } from "~/utils/versioned-image.server";

/**
 * The clinic's logo. SVG is served with a CSP that forbids scripts and sandboxes the document
 * (opaque origin, no forms, no navigation), so an uploaded SVG opened on its own cannot act on the
 * clinic's host.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = requireClinicSite(context);
  const logo = await getClinicLogo(db);
  if (!logo) throw new Response("This clinic has no logo", { status: 404 });
  const svg: Record<string, string> = logo.contentType.includes("svg") ? { "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox" } : {};
  return versionedImageResponse(request, logo, "logo", svg);
}
