import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { qrSvg } from "~/modules/queue/qr.server";
import { checkInUrl, readCheckInToken } from "~/modules/queue/tokens.server";

/** The QR code of a check-in link as an image, for email messages (which cannot carry inline SVG). */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const { clinic } = requireClinicSite(context);
  const appointmentId = readCheckInToken(clinic.id, params.token);
  if (!appointmentId) throw notFound();
  const svg = await qrSvg(checkInUrl(clinic, appointmentId));
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff" } });
}
