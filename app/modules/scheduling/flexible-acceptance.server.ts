/**
 * A patient takes up a flexible request's proposed or offered time: the one place where the
 * waiting list books, kept apart from the requests themselves because booking in turn offers freed
 * time to the waiting list.
 */
import type { Tx } from "~/utils/db.server";
import { ConflictError } from "~/utils/errors.server";
import { recordOnlineBookingConsent } from "../patients/clinic-patients.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, type AppointmentRecord } from "./booking.server";
import {
  announce,
  assertPatient,
  flexibleRequestRefSchema,
  getFlexibleRequest,
  lockRequest,
  parse,
  statusWords,
  type FlexibleRequestRecord,
  type FlexibleRequestRef,
} from "./flexible-requests.server";
import type { ClinicRef } from "./slots.server";

/**
 * The patient books the proposed or offered time. If it was taken meanwhile, `bookAppointment`'s
 * `SlotTakenError` goes out of here and the transaction aborts: the request stays as it was and the
 * caller tells the patient.
 */
export async function acceptProposal(
  tx: Tx,
  clinic: ClinicRef,
  input: FlexibleRequestRef,
  actor: Actor,
  now = new Date(),
): Promise<{ request: FlexibleRequestRecord; appointment: AppointmentRecord }> {
  const { requestId } = parse(flexibleRequestRefSchema, input);
  const request = await lockRequest(tx, clinic, requestId);
  assertPatient(request, actor, "accept");
  const p = request.proposal;
  if ((request.status !== "proposed" && request.status !== "offered") || !p) {
    throw new ConflictError(`This request is ${statusWords[request.status]}; there is no proposed time to accept.`);
  }
  if (!p.expiresAt || p.expiresAt.getTime() <= now.getTime()) {
    throw new ConflictError(
      request.status === "offered"
        ? "This offer has expired and the time may have gone to someone else. Your request is still on the waiting list."
        : "This proposed time has expired. Please contact the clinic for another time.",
    );
  }
  if (!p.practitionerId || !p.locationId) throw new ConflictError("The practitioner or location of this proposal is no longer available. Please contact the clinic.");

  // The signed-in patient booking here is an online booking: it joins the record and shares the family member.
  await recordOnlineBookingConsent(tx, clinic.id, request.patient.id, request.dependent?.id ?? null);
  const appointment = await bookAppointment(
    tx,
    clinic,
    {
      serviceId: request.serviceId,
      practitionerId: p.practitionerId,
      start: p.start,
      locationId: p.locationId,
      patient: { patientAccountId: request.patient.id, dependentId: request.dependent?.id ?? null },
      channel: "clinic_site",
    },
    actor,
    now,
  );
  await tx.flexibleRequest.update({ where: { clinicId_id: { clinicId: clinic.id, id: request.id } }, data: { status: "accepted", appointmentId: appointment.id } });
  const record = await getFlexibleRequest(tx, clinic, request.id);
  await announce(tx, clinic, "flexible_request.accepted", record, actor, { previousStatus: request.status });
  return { request: record, appointment };
}
