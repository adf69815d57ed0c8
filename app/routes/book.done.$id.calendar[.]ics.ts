import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { confirmedVisit } from "~/modules/booking-flow/flow.server";
import { appointmentIcs } from "~/modules/booking-flow/ics";
import { visitPageUrl } from "~/utils/public-urls.server";

/** The booked visit as a calendar file, for the patient who booked it. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const visit = await confirmedVisit(db, clinic, params.id ?? "", patient.id, auditContextFromRequest(request, context));
  if (!visit) throw notFound();
  return new Response(appointmentIcs({ ...visit.calendar, url: visitPageUrl(clinic.slug, visit.id) }), {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="appointment-${clinic.slug}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
