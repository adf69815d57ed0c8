/**
 * Appointments through API v1: the scheduling module does the booking; this adds what an
 * integration needs around it — the patient found or created by phone, Idempotency-Key replays,
 * and a conflict answer that offers the next free times.
 */
import type { z } from "zod";
import { countryForTimeZone, normalizePhone } from "~/lib/phone";
import { bookAppointment, getAppointment, listAppointments, SlotTakenError } from "~/modules/scheduling/booking.server";
import { cancelAppointment, rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { bookingOneAtATime } from "~/modules/scheduling/slot-claims.server";
import { alternativeSlots } from "~/modules/scheduling/slots.server";
import { isUniqueViolation } from "~/utils/db-errors.server";
import type { SqlTx } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { runIdempotent, type IdempotencyScope, type IdempotentAnswer } from "./idempotency.server";
import { clinicRange } from "./range.server";
import type { ApiRequest } from "./request.server";
import type {
  appointmentCancelSchema,
  appointmentCreateSchema,
  appointmentListQuerySchema,
  appointmentRescheduleSchema,
  AppointmentBody,
  SlotBody,
} from "./schemas.server";
import { reviveAppointment, serializeAppointment, serializeSlot } from "./serialize.server";

/** A list covers at most a quarter; pages of up to 200 keep each answer small. */
export const MAX_APPOINTMENT_RANGE_DAYS = 93;
const ALTERNATIVES = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(): never {
  throw new NotFoundError("There is no appointment with this id at this clinic.");
}

/** A patient reads only their own appointments; to them anyone else's does not exist. */
function visibleTo(api: ApiRequest, record: { patient: { id: string } | null }) {
  return api.caller.kind === "api-key" || record.patient?.id === api.caller.patientAccountId;
}

export async function listAppointmentsForApi(
  api: ApiRequest,
  query: z.output<typeof appointmentListQuerySchema>,
): Promise<{ appointments: AppointmentBody[]; nextCursor: string | null }> {
  const { from, to } = clinicRange(query, api.clinic.timeZone, MAX_APPOINTMENT_RANGE_DAYS);
  const patientAccountId = api.caller.kind === "patient" ? api.caller.patientAccountId : null;
  const page = await api.db.tx((tx) => listAppointments(tx, api.clinic, { from, to, limit: query.limit, cursor: query.cursor ?? null, patientAccountId }));
  return { appointments: page.items.map((r) => serializeAppointment(r, api.clinic)), nextCursor: page.nextCursor };
}

export async function getAppointmentForApi(api: ApiRequest, id: string): Promise<AppointmentBody> {
  if (!UUID.test(id)) notFound();
  const record = await api.db.tx((tx) => getAppointment(tx, api.clinic, id));
  if (!visibleTo(api, record)) notFound();
  return serializeAppointment(record, api.clinic);
}

/**
 * Runs a booking change; when the time turns out to be taken, answers 409 with the next free
 * times. The taken time aborted the change's transaction, so they are looked up in a new one.
 */
async function offeringAlternatives<T>(
  api: ApiRequest,
  change: () => Promise<T>,
  wanted: () => Promise<{ serviceId: string; practitionerId: string; locationId: string | null; after: Date }>,
): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof SlotTakenError) {
      const search = await wanted();
      const slots = await alternativeSlots(api.db, api.clinic, { ...search, audience: api.audience }, ALTERNATIVES);
      throw new ConflictError<SlotBody>(error.detail, { alternatives: slots.map((s) => serializeSlot(s, api.clinic.timeZone)) });
    }
    throw error;
  }
}

function e164(phone: string, timeZone: string): string {
  const result = normalizePhone(phone, countryForTimeZone(timeZone));
  if (!result.ok) throw new ValidationError("The patient's phone number is not valid.", [{ path: "patient.phone", message: result.message }]);
  return result.e164;
}

/** The one unique index a new appointment can hit is the clinic's externalRef. */
async function refusingDuplicateRef<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("Another appointment of this clinic already has this externalRef.");
    throw error;
  }
}

export async function createAppointmentForApi(
  api: ApiRequest,
  input: z.output<typeof appointmentCreateSchema>,
  idempotency: IdempotencyScope | null,
): Promise<IdempotentAnswer<AppointmentBody>> {
  const { clinic } = api;
  const start = new Date(input.start);
  const phone = e164(input.patient.phone, clinic.timeZone);
  const work = async (tx: SqlTx) => {
    const record = await bookAppointment(
      tx,
      clinic,
      {
        serviceId: input.serviceId,
        practitionerId: input.practitionerId,
        start,
        locationId: input.locationId ?? null,
        // Made if new, in the same round trip as the schedule read (ensureClinicPatient).
        patient: { person: { phone, firstName: input.patient.firstName, lastName: input.patient.lastName, email: input.patient.email ?? null } },
        channel: "api",
        note: input.note || null,
        externalRef: input.externalRef ?? null,
      },
      api.actor,
    );
    return { status: 201, body: serializeAppointment(record, clinic) };
  };
  // Without an Idempotency-Key there is no answer to keep: the booking runs on the driver, the
  // cheapest transaction there is (booking is the hottest write).
  const book = () =>
    refusingDuplicateRef(async () =>
      idempotency ? runIdempotent(api.db, idempotency, work, reviveAppointment) : { ...(await api.db.sqlTx(work)), replayed: false },
    );
  return offeringAlternatives(
    api,
    // A rush for one time goes one attempt at a time in this process, the rest told at once when it
    // is taken; a request with an Idempotency-Key always asks the database, which may hold its answer.
    () => (idempotency ? book() : bookingOneAtATime(api.db, { practitionerId: input.practitionerId, start }, book)),
    async () => ({ serviceId: input.serviceId, practitionerId: input.practitionerId, locationId: input.locationId ?? null, after: start }),
  );
}

export async function cancelAppointmentForApi(
  api: ApiRequest,
  id: string,
  input: z.output<typeof appointmentCancelSchema>,
  idempotency: IdempotencyScope | null,
): Promise<IdempotentAnswer<AppointmentBody>> {
  if (!UUID.test(id)) notFound();
  const { clinic } = api;
  return runIdempotent(
    api.db,
    idempotency,
    async (tx) => {
      const record = await cancelAppointment(
        tx,
        clinic,
        { appointmentId: id, reason: input.reason, note: input.note || null, overrideReason: input.overrideReason ?? null },
        api.actor,
      );
      return { status: 200, body: serializeAppointment(record, clinic) };
    },
    reviveAppointment,
  );
}

/** Moves an appointment: the answer is the new appointment (the old one is `rescheduled` and links to it). */
export async function rescheduleAppointmentForApi(
  api: ApiRequest,
  id: string,
  input: z.output<typeof appointmentRescheduleSchema>,
  idempotency: IdempotencyScope | null,
): Promise<IdempotentAnswer<AppointmentBody>> {
  if (!UUID.test(id)) notFound();
  const { clinic } = api;
  const start = new Date(input.start);
  return offeringAlternatives(
    api,
    () =>
      runIdempotent(
        api.db,
        idempotency,
        async (tx) => {
          const record = await rescheduleAppointment(
            tx,
            clinic,
            {
              appointmentId: id,
              start,
              practitionerId: input.practitionerId ?? null,
              locationId: input.locationId ?? null,
              overrideReason: input.overrideReason ?? null,
            },
            api.actor,
          );
          return { status: 201, body: serializeAppointment(record, clinic) };
        },
        reviveAppointment,
      ),
    async () => {
      const current = await api.db.tx((tx) => getAppointment(tx, clinic, id));
      return {
        serviceId: current.serviceId,
        practitionerId: input.practitionerId ?? current.practitionerId,
        locationId: input.locationId ?? null,
        after: start,
      };
    },
  );
}

/** Where an appointment lives, for the Location header of a 201. */
export function appointmentPath(id: string): string {
  return `/api/v1/appointments/${id}`;
}
