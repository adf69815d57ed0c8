import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { checkInStream } from "~/modules/queue/check-in-stream.server";
import { queueEventStream, topicOf } from "~/modules/queue/hub.server";

/** Live updates for a patient's check-in page: their location's queue moved (only while the visit is on today). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const stream = await checkInStream(db, clinic, params.token);
  if (stream.kind === "not-found") throw notFound();
  // 410: the browser's EventSource stops retrying instead of knocking every few seconds.
  if (stream.kind === "over") return new Response(stream.message, { status: 410, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return queueEventStream(request, topicOf(clinic.id, stream.locationId), { kind: "public", link: `check-in:${stream.appointmentId}`, ip: context.clientIp });
}
