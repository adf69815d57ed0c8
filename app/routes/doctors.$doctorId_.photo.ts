import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { getDoctorPhoto } from "~/modules/clinic/doctor-public-profile.server";
import { versionedImageResponse } from "~/utils/versioned-image.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A doctor's photo, from the clinic's own host, served like the clinic's logo. Only PNG, JPEG or WebP are ever stored. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = requireClinicSite(context);
  const doctorId = params.doctorId ?? "";
  const photo = UUID.test(doctorId) ? await getDoctorPhoto(db, doctorId) : null;
  if (!photo) throw new Response("This doctor has no photo here", { status: 404 });
  return versionedImageResponse(request, photo, "doctor-photo");
}
