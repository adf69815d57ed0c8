import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { appointmentIcs } from "~/modules/booking-flow/ics";
import { visitPageUrl } from "~/utils/public-urls.server";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";

/** One of the patient's appointments as a calendar file; anyone else's is not found. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const page = await appointmentPage(db, clinic, patient.id, params.id ?? "", auditContextFromRequest(request, context), { action: "patient.appointment_calendar_downloaded" });
  if (!page) throw notFound();
  return new Response(appointmentIcs({ ...page.calendar, url: visitPageUrl(clinic.slug, page.id) }), {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="appointment-${clinic.slug}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
