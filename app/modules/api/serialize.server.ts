/**
 * Scheduling records as API v1 shows them: times in the clinic's local offset, money with its
 * currency, the doctor called a practitioner.
 */
import type { AppointmentRecord } from "~/modules/scheduling/booking.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { formatBookingCode } from "~/lib/booking-code";
import { toOffsetIso } from "~/lib/zoned-time";
import { appointmentSchema, type AppointmentBody, type SlotBody } from "./schemas.server";

export function serializeSlot(slot: Slot, timeZone: string): SlotBody {
  return {
    start: toOffsetIso(slot.start, timeZone),
    end: toOffsetIso(slot.end, timeZone),
    practitionerId: slot.doctorId,
    locationId: slot.locationId,
    roomId: slot.roomId,
  };
}

type ApiStatus = AppointmentBody["status"];
type ApiPaymentStatus = AppointmentBody["paymentStatus"];
const API_STATUSES = new Set<string>(appointmentSchema.shape.status.options);
const PAYMENT_STATUSES = new Set<string>(appointmentSchema.shape.paymentStatus.options);

function apiStatus(status: string): ApiStatus {
  // Holds are never returned by the scheduling reads the API uses; one here is a bug, not input.
  if (!API_STATUSES.has(status)) throw new Error(`appointment in status ${status} cannot be shown through the API`);
  return status as ApiStatus;
}

function paymentStatus(status: string): ApiPaymentStatus {
  if (!PAYMENT_STATUSES.has(status)) throw new Error(`unknown payment status ${status}`);
  return status as ApiPaymentStatus;
}

export function serializeAppointment(r: AppointmentRecord, clinic: { slug: string; timeZone: string }): AppointmentBody {
  const at = (d: Date) => toOffsetIso(d, clinic.timeZone);
  return {
    id: r.id,
    bookingCode: formatBookingCode(clinic.slug, r.bookingCode),
    status: apiStatus(r.status),
    serviceId: r.serviceId,
    serviceName: r.serviceName,
    practitionerId: r.practitionerId,
    locationId: r.locationId,
    roomId: r.roomId,
    start: at(r.start),
    end: at(r.end),
    patient: r.patient ? { id: r.patient.id, phone: r.patient.phone, firstName: r.patient.firstName, lastName: r.patient.lastName } : null,
    dependent: r.dependent
      ? { id: r.dependent.id, firstName: r.dependent.firstName, lastName: r.dependent.lastName, relationship: r.dependent.relationship }
      : null,
    paymentStatus: paymentStatus(r.paymentStatus),
    price: { amountMinor: r.priceMinor, currency: r.currency },
    deposit: { amountMinor: r.depositMinor, currency: r.currency },
    channel: r.channel,
    note: r.note,
    visitReason: r.visitReason,
    externalRef: r.externalRef,
    cancellation: r.cancellation ? { reason: r.cancellation.reason, note: r.cancellation.note, at: at(r.cancellation.at), by: r.cancellation.by } : null,
    cancellationDeadline: at(r.cancellationDeadline),
    rescheduledFromId: r.rescheduledFromId,
    rescheduledToId: r.rescheduledToId,
    createdAt: at(r.createdAt),
    updatedAt: at(r.updatedAt),
  };
}

/** A stored answer (idempotent replay) back in the schema's field order. */
export function reviveAppointment(stored: unknown): AppointmentBody {
  const parsed = appointmentSchema.safeParse(stored);
  // An answer stored before the schema last changed is replayed exactly as it was given.
  return parsed.success ? parsed.data : (stored as AppointmentBody);
}
