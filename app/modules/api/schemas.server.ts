/**
 * The zod schemas of API v1: what the routes accept and what they answer. The OpenAPI document is
 * generated from these same objects (openapi.server.ts), so the contract and the code cannot drift.
 *
 * Requests are registered in `requestSchemas` (rendered as JSON Schema of their input) and answers
 * in `responseSchemas` (rendered as their output); each registered schema becomes a named component.
 */
import { z } from "zod";
import { CANCELLATION_REASONS } from "~/modules/scheduling/booking.server";

export interface ComponentMeta {
  id: string;
  description?: string;
  title?: string;
}

export const requestSchemas = z.registry<ComponentMeta>();
export const responseSchemas = z.registry<ComponentMeta>();

// ---------------------------------------------------------------------------------------------
// Building blocks

const DATE_TIME_EXAMPLE = "2026-12-01T09:00:00-05:00";
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:T|$)/;
const calendarDate = z.iso.date();

/** Says "not a date on the calendar" for 2026-02-30 rather than a generic format error. */
function timeMessage(input: unknown, expected: string): string {
  if (typeof input !== "string") return `Expected a string: ${expected}.`;
  const date = DATE_PREFIX.exec(input)?.[1];
  if (date && !calendarDate.safeParse(date).success) return `${date} is not a date on the calendar.`;
  return `Expected ${expected}.`;
}

/** Any UUID-shaped id (what PostgreSQL accepts), so a well-formed id is never refused by its version digit. */
export const idSchema = z.guid({ error: "Expected an id (a UUID such as 3f1c1d9e-8a4b-4c8e-9d2a-5b6c7d8e9f01)." });

// Appointments live in this era; PostgreSQL refuses year 0 and years past 294276, and a typo such as
// 0026 or 20266 should read as a typo, not reach the database.
const YEAR_MESSAGE = "Must be a date between the years 1900 and 9999.";
function plausibleYear(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return /^\d{4}-/.test(value) && year >= 1900 && year <= 9999;
}

const OFFSET_DATE_TIME = `an ISO 8601 date-time with its offset, e.g. ${DATE_TIME_EXAMPLE}`;
/** An instant as the API accepts it: date and time with an offset (or Z). */
export const offsetDateTimeSchema = z.iso
  .datetime({ offset: true, error: (issue) => timeMessage(issue.input, OFFSET_DATE_TIME) })
  .refine(plausibleYear, YEAR_MESSAGE)
  .meta({ description: `ISO 8601 date-time with an offset or Z, e.g. ${DATE_TIME_EXAMPLE}.`, examples: [DATE_TIME_EXAMPLE] });

const DATE_OR_DATE_TIME = `an ISO 8601 date-time with its offset (${DATE_TIME_EXAMPLE}) or a date (2026-12-01)`;
/** A range boundary: an instant, or a plain date meaning the clinic's local midnight. */
export const rangeBoundarySchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: (issue) => timeMessage(issue.input, DATE_OR_DATE_TIME) })
  .refine(plausibleYear, YEAR_MESSAGE)
  .meta({
    description: `ISO 8601 date-time with an offset or Z, or a date YYYY-MM-DD meaning midnight in the clinic's time zone.`,
    examples: [DATE_TIME_EXAMPLE, "2026-12-01"],
  });

// PostgreSQL text and jsonb refuse NUL and unpaired surrogates; such input must fail as input, not
// as a database error. Control characters are refused too (a note may keep tabs and line breaks).
const BROKEN_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function storable(value: string, multiline: boolean): boolean {
  if (BROKEN_SURROGATE.test(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || ((c < 0x20 || c === 0x7f) && !(multiline && (c === 0x09 || c === 0x0a || c === 0x0d)))) return false;
  }
  return true;
}

function text(max: number, opts: { multiline?: boolean } = {}) {
  const multiline = opts.multiline ?? false;
  return z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .refine(
      (v) => storable(v, multiline),
      multiline ? "Contains a control character or a broken one." : "Contains a control character, a line break or a broken character.",
    );
}
const requiredText = (max: number) => text(max).min(1, "Required.");

// ---------------------------------------------------------------------------------------------
// Requests

export const slotQuerySchema = z.object({
  serviceId: idSchema.meta({ description: "The service to book (see GET /api/v1/services)." }),
  from: rangeBoundarySchema,
  to: rangeBoundarySchema,
  practitionerId: idSchema
    .optional()
    .meta({ description: "Only this practitioner; without it, one slot per start and location for any eligible practitioner." }),
  locationId: idSchema.optional().meta({ description: "Only this location." }),
});

export const APPOINTMENT_PAGE_DEFAULT = 50;
export const APPOINTMENT_PAGE_MAX = 200;

export const appointmentListQuerySchema = z.object({
  from: rangeBoundarySchema,
  to: rangeBoundarySchema,
  limit: z.coerce
    .number({ error: "Expected a whole number." })
    .int("Expected a whole number.")
    .min(1, "At least 1.")
    .max(APPOINTMENT_PAGE_MAX, `At most ${APPOINTMENT_PAGE_MAX}.`)
    .default(APPOINTMENT_PAGE_DEFAULT)
    .meta({ description: `Page size, 1 to ${APPOINTMENT_PAGE_MAX}.` }),
  cursor: z.string().min(1).max(200, "At most 200 characters.").optional().meta({ description: "nextCursor of the previous page." }),
});

export const patientSchema = z
  .object({
    phone: requiredText(32).meta({ description: "Mobile number, best in international format (+12125550123)." }),
    firstName: requiredText(100),
    lastName: requiredText(100),
    email: z.email("Expected an email address.").max(254, "At most 254 characters.").nullish(),
  })
  .meta({ description: "Who the visit is for. An existing patient (same phone) keeps the name they gave themselves." });

export const appointmentCreateSchema = z.object({
  serviceId: idSchema,
  practitionerId: idSchema,
  start: offsetDateTimeSchema,
  locationId: idSchema.nullish().meta({ description: "Needed only when the practitioner works at several locations at that time." }),
  patient: patientSchema,
  note: text(1000, { multiline: true }).nullish().meta({ description: "The patient's note to the clinic." }),
  externalRef: requiredText(200).nullish().meta({ description: "Your own id for this appointment; unique within the clinic." }),
});
requestSchemas.add(appointmentCreateSchema, { id: "AppointmentCreate", description: "A booking at a free time (see GET /api/v1/slots)." });

const overrideReasonSchema = requiredText(500)
  .nullish()
  .meta({ description: "Required inside the appointment's cancellation window; recorded in the clinic's audit log." });

export const appointmentCancelSchema = z.object({
  reason: z.enum(CANCELLATION_REASONS, { error: `Expected one of: ${CANCELLATION_REASONS.join(", ")}.` }),
  note: text(1000, { multiline: true }).nullish(),
  overrideReason: overrideReasonSchema,
});
requestSchemas.add(appointmentCancelSchema, { id: "AppointmentCancel" });

export const appointmentRescheduleSchema = z.object({
  start: offsetDateTimeSchema,
  practitionerId: idSchema.nullish().meta({ description: "Another practitioner; the same one when left out." }),
  locationId: idSchema.nullish(),
  overrideReason: overrideReasonSchema,
});
requestSchemas.add(appointmentRescheduleSchema, { id: "AppointmentReschedule" });

// ---------------------------------------------------------------------------------------------
// Answers

const instantOut = z.iso.datetime({ offset: true }).meta({ description: "ISO 8601 in the clinic's local offset." });

export const moneySchema = z.object({
  amountMinor: z.int().min(0).meta({ description: "Minor units of the currency (cents)." }),
  currency: z.string().length(3).meta({ description: "ISO 4217 code." }),
});
responseSchemas.add(moneySchema, { id: "Money" });

const openingPeriodSchema = z.object({ open: z.string(), close: z.string() });

export const locationSchema = z.object({
  id: idSchema,
  name: z.string(),
  address: z.object({
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string(),
  }),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  phone: z.string().nullable(),
  openingHours: z
    .record(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), z.array(openingPeriodSchema))
    .meta({ description: "Weekly hours in the clinic's local wall time, HH:MM." }),
});
responseSchemas.add(locationSchema, { id: "Location" });

export const clinicSchema = z.object({
  id: idSchema,
  slug: z.string(),
  name: z.string(),
  timeZone: z.string().meta({ description: "IANA time zone; every local time of the clinic is in it." }),
  currency: z.string().length(3),
  tagline: z.string().nullable(),
  description: z.string().nullable(),
  contact: z.object({ phone: z.string().nullable(), email: z.string().nullable(), website: z.string().nullable() }),
  locations: z.array(locationSchema),
});
responseSchemas.add(clinicSchema, { id: "Clinic" });

export const serviceSchema = z.object({
  id: idSchema,
  name: z.string(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  specialty: z.string().nullable(),
  durationMinutes: z.int(),
  price: moneySchema.meta({ description: "List price before discounts." }),
  deposit: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("none") }),
    z.object({ kind: z.literal("fixed"), amount: moneySchema }),
    z.object({ kind: z.literal("percent"), percent: z.int().min(1).max(100).meta({ description: "Of the discounted price." }) }),
  ]),
  bufferBeforeMinutes: z.int(),
  bufferAfterMinutes: z.int(),
  minimumNoticeMinutes: z.int(),
  horizonDays: z.int(),
  cancellationWindowMinutes: z.int(),
  requiresApproval: z.boolean().meta({ description: "Bookings start as requested and the clinic confirms them." }),
  visibility: z.enum(["active", "seasonal", "internal_only"]).meta({ description: "internal_only services are listed for API keys only." }),
  season: z.object({ from: z.iso.date(), to: z.iso.date() }).nullable().meta({ description: "Local dates (inclusive) of a seasonal service." }),
  preparationNotes: z.string().nullable(),
  practitionerIds: z.array(idSchema),
  locationIds: z.array(idSchema),
});
responseSchemas.add(serviceSchema, { id: "Service" });

export const serviceListSchema = z.object({ services: z.array(serviceSchema) });
responseSchemas.add(serviceListSchema, { id: "ServiceList" });

export const practitionerSchema = z.object({
  id: idSchema.meta({ description: "The practitioner id used by slots and appointments." }),
  name: z.string(),
  specialty: z.string().nullable(),
  workStatus: z.enum(["active", "on_leave", "inactive"]),
  locationIds: z.array(idSchema),
  serviceIds: z.array(idSchema),
});
responseSchemas.add(practitionerSchema, { id: "Practitioner" });

export const practitionerListSchema = z.object({ practitioners: z.array(practitionerSchema) });
responseSchemas.add(practitionerListSchema, { id: "PractitionerList" });

export const slotSchema = z.object({
  start: instantOut,
  end: instantOut,
  practitionerId: idSchema,
  locationId: idSchema,
  roomId: idSchema.nullable(),
});
responseSchemas.add(slotSchema, { id: "Slot" });

export const slotListSchema = z.object({ slots: z.array(slotSchema) });
responseSchemas.add(slotListSchema, { id: "SlotList" });

export const appointmentSchema = z.object({
  id: idSchema,
  bookingCode: z
    .string()
    .meta({ description: "What the patient quotes (the clinic's prefix and five characters, e.g. NOR-7K4QX). Kept when the appointment moves, so the moved appointment has its predecessor's code.", example: "NOR-7K4QX" }),
  status: z.enum(["requested", "confirmed", "checked_in", "in_consultation", "completed", "cancelled", "declined", "no_show", "rescheduled"]),
  serviceId: idSchema,
  serviceName: z.string(),
  practitionerId: idSchema,
  locationId: idSchema,
  roomId: idSchema.nullable(),
  start: instantOut,
  end: instantOut,
  patient: z.object({ id: idSchema, phone: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }).nullable(),
  dependent: z.object({ id: idSchema, firstName: z.string(), lastName: z.string(), relationship: z.string() }).nullable(),
  paymentStatus: z.enum(["none", "card_saved", "authorized", "captured", "released", "refunded", "failed", "waived"]),
  price: moneySchema,
  deposit: moneySchema,
  channel: z.enum(["clinic_site", "marketplace", "staff", "api"]),
  note: z.string().nullable().meta({ description: "What the patient wrote for the clinic when booking." }),
  visitReason: z.string().nullable().meta({ description: "The reason for the visit the patient chose from the service's list when booking (null when none was chosen or the service lists none)." }),
  externalRef: z.string().nullable(),
  cancellation: z.object({ reason: z.enum(CANCELLATION_REASONS), note: z.string().nullable(), at: instantOut, by: z.string().nullable() }).nullable(),
  cancellationDeadline: instantOut.meta({ description: "Until then the patient may change or cancel online." }),
  rescheduledFromId: idSchema.nullable(),
  rescheduledToId: idSchema.nullable(),
  createdAt: instantOut,
  updatedAt: instantOut,
});
responseSchemas.add(appointmentSchema, { id: "Appointment" });

export const appointmentListSchema = z.object({
  appointments: z.array(appointmentSchema),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
});
responseSchemas.add(appointmentListSchema, { id: "AppointmentList" });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "A URI naming the kind of problem; stable, for clients to switch on." }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    requestId: z.string().optional().meta({ description: "Quote it when contacting support." }),
    errors: z
      .array(z.object({ path: z.string().meta({ description: 'Dotted field path, e.g. "patient.phone"; "" for the whole input.' }), message: z.string() }))
      .optional(),
  })
  .loose()
  .meta({ description: "RFC 9457 problem document, served as application/problem+json." });
responseSchemas.add(problemSchema, { id: "Problem" });

export const conflictProblemSchema = problemSchema.extend({
  alternatives: z.array(slotSchema).optional().meta({ description: "The next free times for the same service and practitioner." }),
});
responseSchemas.add(conflictProblemSchema, { id: "ConflictProblem" });

export const rateLimitedProblemSchema = problemSchema.extend({
  retryAfterSeconds: z.int().min(1).meta({ description: "The same as the Retry-After header." }),
  policy: z.enum(["api-key", "ip"]).meta({ description: "The limit exceeded: the API key's own, or the address's for calls without a key." }),
});
responseSchemas.add(rateLimitedProblemSchema, { id: "RateLimitedProblem" });

export const openApiDocumentSchema = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }).loose(), paths: z.record(z.string(), z.unknown()) })
  .loose()
  .meta({ description: "This document." });
responseSchemas.add(openApiDocumentSchema, { id: "OpenApiDocument" });

export type ClinicBody = z.output<typeof clinicSchema>;
export type LocationBody = z.output<typeof locationSchema>;
export type ServiceBody = z.output<typeof serviceSchema>;
export type PractitionerBody = z.output<typeof practitionerSchema>;
export type SlotBody = z.output<typeof slotSchema>;
export type AppointmentBody = z.output<typeof appointmentSchema>;
