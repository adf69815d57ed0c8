import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/modules/auth/guards.server";
import { requireClinicSite } from "~/modules/clinic/site-guard.server";
import { queueEventStream, topicOf } from "~/modules/queue/hub.server";
import { readCheckInToken } from "~/modules/queue/tokens.server";
import { getDb } from "~/utils/db.server";

/** Live updates for a patient's check-in page: their location's queue moved. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const clinic = requireClinicSite(request, context.site);
  const appointmentId = readCheckInToken(clinic.id, params.token);
  if (!appointmentId) throw notFound();
  const visit = await getDb()
    .forClinic(clinic.id)
    .tx((tx) => tx.appointment.findFirst({ where: { clinicId: clinic.id, id: appointmentId }, select: { locationId: true } }));
  if (!visit) throw notFound();
  return queueEventStream(request, topicOf(clinic.id, visit.locationId));
}
