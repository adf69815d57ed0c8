/**
 * "Book again" from one of the patient's own past or cancelled visits: the booking flow opens with
 * the same service, location and doctor, for the same family member, at the first day that has a
 * free time. What changed since is taken into account: a doctor who no longer offers the service
 * there becomes "any doctor", a location that no longer offers it is chosen again, and a service no
 * longer booked online starts the booking from the list of services.
 */
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { getAppointment } from "~/modules/scheduling/booking.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { activeDependents } from "~/modules/patient-account/family.server";
import { shiftMonth } from "./calendar";
import { loadBookingCatalog } from "./catalog.server";
import { bookHref, type Choice } from "./choice";
import { bookingStep } from "./flow.server";

/** How many months ahead "Book again" looks for the first free day before showing the calendar. */
const MONTHS_LOOKED_AT = 3;

/**
 * Where "Book again" leads for this visit. Another patient's visit, another clinic's or a malformed
 * id is NotFoundError, like one that does not exist. The look is audited: it reads the visit.
 */
export async function bookAgainHref(db: ClinicDb, clinic: ClinicRef, patientAccountId: string, appointmentId: string, request: AuditRequestContext | null, now = new Date()): Promise<string> {
  const visit = await db.tx(async (tx) => {
    const found = await getAppointment(tx, clinic, appointmentId);
    if (found.patient?.id !== patientAccountId) throw new NotFoundError("There is no appointment with this id at this clinic.");
    const family = found.dependent ? await activeDependents(tx, patientAccountId) : [];
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.appointment_booked_again",
      target: { type: "appointment", id: found.id },
      request,
    });
    // A family member removed since is not chosen again: the review asks who the visit is for.
    return { ...found, dependentId: found.dependent && family.some((d) => d.id === found.dependent!.id) ? found.dependent.id : undefined };
  });

  const catalog = await loadBookingCatalog(db);
  const service = catalog.services.find((s) => s.id === visit.serviceId);
  if (!service) return bookHref({ for: visit.dependentId });
  if (!service.locationIds.includes(visit.locationId)) return bookHref({ service: service.id, for: visit.dependentId });
  const offersIt = catalog.doctors.some(
    (d) => d.id === visit.practitionerId && service.doctorIds.includes(d.id) && (d.locationIds.length === 0 || d.locationIds.includes(visit.locationId)),
  );
  const choice: Choice = { service: service.id, location: visit.locationId, doctor: offersIt ? visit.practitionerId : "any", for: visit.dependentId };

  // The first day with a free time, month by month; none near: the calendar of this month.
  let month: string | undefined;
  for (let i = 0; i < MONTHS_LOOKED_AT; i++) {
    const step = await bookingStep(db, clinic, { ...choice, month }, now);
    if ("redirect" in step) return step.redirect;
    if (step.step !== "day") return bookHref(choice);
    const free = step.calendar.days.find((d) => d.freeTimes > 0);
    if (free) return bookHref({ ...choice, day: free.date });
    if (!step.canGoForward) break;
    month = shiftMonth(step.calendar.month, 1);
  }
  return bookHref(choice);
}
