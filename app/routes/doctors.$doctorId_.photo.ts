import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { getDoctorPhoto } from "~/modules/clinic/doctor-public-profile.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A doctor's photo, from the clinic's own host, the way the clinic's logo is served: a versioned
 * URL (?v= the photo's update time) is cached for a year because a new photo gets a new version;
 * an unversioned or stale one is revalidated. Only PNG, JPEG or WebP are ever stored.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = requireClinicSite(context);
  const doctorId = params.doctorId ?? "";
  const photo = UUID.test(doctorId) ? await getDoctorPhoto(db, doctorId) : null;
  if (!photo) throw new Response("This doctor has no photo here", { status: 404 });

  const etag = `"doctor-photo-${photo.version}"`;
  const requested = new URL(request.url).searchParams.get("v");
  const headers = new Headers({
    "Content-Type": photo.contentType,
    "X-Content-Type-Options": "nosniff",
    ETag: etag,
    "Cache-Control": requested === String(photo.version) ? "public, max-age=31536000, immutable" : "public, max-age=300, must-revalidate",
    // The marketplace shows doctors' photos from the clinic's own host.
    "Cross-Origin-Resource-Policy": "cross-site",
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(photo.bytes), { status: 200, headers });
}
