/**
 * The OpenAPI 3.1 document of API v1, generated from the zod schemas the routes validate and answer
 * with (schemas.server.ts). Only the operations' prose lives here.
 */
import { z } from "zod";
import { MAX_SLOT_RANGE_DAYS } from "~/modules/scheduling/slots.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { formatBytes } from "~/utils/body-limit.server";
import { PROBLEM_CONTENT_TYPE } from "~/utils/problem.server";
import { MAX_APPOINTMENT_RANGE_DAYS } from "./appointments.server";
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "./idempotency.server";
import { DEFAULT_KEY_RATE_PER_SECOND } from "./api-keys.server";
import { ADDRESS_POLICY, keyConcurrency, keyPolicy } from "./rate-limits.server";
import { MAX_BODY_BYTES } from "./request.server";
import {
  appointmentCancelSchema,
  appointmentCreateSchema,
  appointmentListQuerySchema,
  appointmentListSchema,
  appointmentRescheduleSchema,
  appointmentSchema,
  clinicSchema,
  openApiDocumentSchema,
  practitionerListSchema,
  requestSchemas,
  responseSchemas,
  serviceListSchema,
  slotListSchema,
  slotQuerySchema,
  type ComponentMeta,
} from "./schemas.server";

type JsonSchema = Record<string, unknown>;
type Access = "public" | "read" | "integration";

interface OperationSpec {
  method: "get" | "post";
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  access: Access;
  query?: z.ZodObject;
  pathId?: boolean;
  body?: z.ZodType;
  success: { status: 200 | 201; description: string; schema: z.ZodType; location?: boolean };
  /** Problem statuses beyond the ones every endpoint can answer (401, 403, 404, 429; a public one only 404 and 429). */
  problems: number[];
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "The request cannot be read: malformed JSON, or an invalid Idempotency-Key header.",
  401: "No API key, or one that is revoked or belongs to another clinic. Carries WWW-Authenticate.",
  403: "The caller may not do this (e.g. a staff session instead of an API key).",
  404: "No such clinic at this host, or no such record at this clinic (another clinic's ids are not found either).",
  409: "The time is taken; `alternatives` lists the next free times.",
  413: `The body is larger than ${formatBytes(MAX_BODY_BYTES)}, by its Content-Length or, for a chunked body, as counted while it arrives (the rest is not read). \`maxBytes\` gives the limit.`,
  415: "The body is not sent as application/json.",
  422: "The input breaks a rule; `errors` lists each field. Also: an Idempotency-Key reused with a different request.",
  429: "Over a rate limit (the key's, or the address's for calls without a key), or too many of the key's requests in progress at once. Retry after the seconds in Retry-After; `policy` names the limit.",
};

const defaultKey = keyPolicy(null);
const RATE_LIMITS_TEXT =
  `Rate limits: each API key may make ${DEFAULT_KEY_RATE_PER_SECOND} requests a second, in bursts of up to ${defaultKey.burst}, unless it was given a higher limit for a high-volume integration, ` +
  `and have at most ${keyConcurrency(defaultKey)} requests in progress at once on one server (a tenth of its rate if that is more); ` +
  `calls without a key (a patient's session, or none) and failed key checks count against the caller's address, ${ADDRESS_POLICY.ratePerSecond} a second in bursts of ${ADDRESS_POLICY.burst}. ` +
  "Every answer carries RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers): the bucket size q refilled over w seconds, what is left now (r) and the seconds until it is full again (t). " +
  "Over the limit the answer is 429 with Retry-After in seconds and a problem document of type https://medslot.dev/problems/rate-limited.";

const HEADER_REF = (id: string) => ({ $ref: `#/components/headers/${id}` });
const rateLimitHeaderRefs = { "RateLimit-Policy": HEADER_REF("RateLimitPolicy"), RateLimit: HEADER_REF("RateLimit") };

const operations: OperationSpec[] = [
  {
    method: "get",
    path: "/api/v1/clinic",
    operationId: "getClinic",
    summary: "The clinic of this host, with its locations",
    access: "read",
    success: { status: 200, description: "The clinic.", schema: clinicSchema },
    problems: [],
  },
  {
    method: "get",
    path: "/api/v1/services",
    operationId: "listServices",
    summary: "Bookable services",
    description: "Active and seasonal services; with an API key also internal-only ones. Inactive services are never listed.",
    access: "read",
    success: { status: 200, description: "The services, in the clinic's order.", schema: serviceListSchema },
    problems: [],
  },
  {
    method: "get",
    path: "/api/v1/practitioners",
    operationId: "listPractitioners",
    summary: "Practitioners (the clinic's doctors)",
    access: "read",
    success: { status: 200, description: "The practitioners, by name.", schema: practitionerListSchema },
    problems: [],
  },
  {
    method: "get",
    path: "/api/v1/slots",
    operationId: "listSlots",
    summary: "Free times for a service",
    description: `Times are in the clinic's local offset. The range may span at most ${MAX_SLOT_RANGE_DAYS} days.`,
    access: "read",
    query: slotQuerySchema,
    success: { status: 200, description: "Free slots, earliest first.", schema: slotListSchema },
    problems: [422],
  },
  {
    method: "get",
    path: "/api/v1/appointments",
    operationId: "listAppointments",
    summary: "Appointments starting in a range",
    description: `Oldest first, paged with nextCursor. The range may span at most ${MAX_APPOINTMENT_RANGE_DAYS} days. With a patient's session, only their own.`,
    access: "read",
    query: appointmentListQuerySchema,
    success: { status: 200, description: "One page of appointments.", schema: appointmentListSchema },
    problems: [422],
  },
  {
    method: "post",
    path: "/api/v1/appointments",
    operationId: "createAppointment",
    summary: "Book an appointment",
    description: "Finds or creates the patient by phone and books a free time. Honours Idempotency-Key.",
    access: "integration",
    body: appointmentCreateSchema,
    success: { status: 201, description: "The new appointment.", schema: appointmentSchema, location: true },
    problems: [400, 409, 413, 415, 422],
  },
  {
    method: "get",
    path: "/api/v1/appointments/{id}",
    operationId: "getAppointment",
    summary: "One appointment",
    access: "read",
    pathId: true,
    success: { status: 200, description: "The appointment.", schema: appointmentSchema },
    problems: [],
  },
  {
    method: "post",
    path: "/api/v1/appointments/{id}/cancel",
    operationId: "cancelAppointment",
    summary: "Cancel an appointment",
    description: "Inside the cancellation window an overrideReason is required. Honours Idempotency-Key.",
    access: "integration",
    pathId: true,
    body: appointmentCancelSchema,
    success: { status: 200, description: "The cancelled appointment.", schema: appointmentSchema },
    problems: [400, 413, 415, 422],
  },
  {
    method: "post",
    path: "/api/v1/appointments/{id}/reschedule",
    operationId: "rescheduleAppointment",
    summary: "Move an appointment to another time",
    description: "Creates the new appointment and marks the old one rescheduled, linked both ways. Honours Idempotency-Key.",
    access: "integration",
    pathId: true,
    body: appointmentRescheduleSchema,
    success: { status: 201, description: "The new appointment.", schema: appointmentSchema, location: true },
    problems: [400, 409, 413, 415, 422],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI 3.1 document",
    description: "Needs no credentials.",
    access: "public",
    success: { status: 200, description: "The document.", schema: openApiDocumentSchema },
    problems: [],
  },
];

const REF = (id: string) => `#/components/schemas/${id}`;

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function components(registry: z.core.$ZodRegistry<ComponentMeta>, io: "input" | "output"): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { io, uri: REF, unrepresentable: "any" }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, strip(s)]));
}

function refTo(registry: z.core.$ZodRegistry<ComponentMeta>, schema: z.ZodType): JsonSchema {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error("an OpenAPI body or answer must be a registered component schema");
  return { $ref: REF(id) };
}

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "query", required: (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

const problemResponse = (status: number) => ({
  description: PROBLEM_DESCRIPTIONS[status] ?? "A problem.",
  ...(status === 401 ? { headers: { "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="medslot"' } } } : {}),
  ...(status === 429 ? { headers: { "Retry-After": HEADER_REF("RetryAfter"), ...rateLimitHeaderRefs } } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: REF(status === 409 ? "ConflictProblem" : status === 429 ? "RateLimitedProblem" : "Problem") } } },
});

function operationObject(o: OperationSpec): JsonSchema {
  const parameters: JsonSchema[] = [];
  if (o.pathId) parameters.push({ name: "id", in: "path", required: true, description: "The appointment's id.", schema: { type: "string", format: "uuid" } });
  if (o.query) parameters.push(...queryParameters(o.query));
  if (o.body) parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });

  const successHeaders: JsonSchema = { ...rateLimitHeaderRefs };
  if (o.success.location) successHeaders.Location = { description: "The appointment's URL.", schema: { type: "string" } };
  if (o.body)
    successHeaders[REPLAYED_HEADER] = {
      description: "true when this is the stored answer of an earlier request with the same Idempotency-Key.",
      schema: { type: "string", enum: ["true"] },
    };

  const always = o.access === "public" ? [404, 429] : [401, 403, 404, 429];
  const problems = [...new Set([...o.problems, ...always])].sort((a, b) => a - b);
  return {
    operationId: o.operationId,
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: [o.path.startsWith("/api/v1/appointments") ? "Appointments" : o.access === "public" ? "Reference" : "Clinic"],
    security: o.access === "public" ? [] : o.access === "integration" ? [{ apiKey: [] }] : [{ apiKey: [] }, { patientSession: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(o.body ? { requestBody: { required: true, content: { "application/json": { schema: refTo(requestSchemas, o.body) } } } } : {}),
    responses: {
      [String(o.success.status)]: {
        description: o.success.description,
        headers: successHeaders,
        content: { "application/json": { schema: refTo(responseSchemas, o.success.schema) } },
      },
      ...Object.fromEntries(problems.map((status) => [String(status), problemResponse(status)])),
    },
  };
}

// Pure functions of the schemas: built once per process.
let cached: { components: JsonSchema; paths: JsonSchema } | undefined;

function build() {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const o of operations) (paths[o.path] ??= {})[o.method] = operationObject(o);
  return {
    paths,
    components: {
      schemas: { ...components(requestSchemas, "input"), ...components(responseSchemas, "output") },
      headers: {
        RateLimitPolicy: {
          description: 'The limit that applies to this caller, e.g. `"api-key";q=20;w=2`: a bucket of q requests refilled over w seconds. `"api-key"` for a key, `"ip"` for calls without one.',
          schema: { type: "string" },
        },
        RateLimit: {
          description: 'What is left of it, e.g. `"api-key";r=17;t=1`: r requests now, t seconds until the bucket is full again (on a 429, until a retry can succeed).',
          schema: { type: "string" },
        },
        RetryAfter: { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } },
      },
      parameters: {
        IdempotencyKey: {
          name: IDEMPOTENCY_HEADER,
          in: "header",
          required: false,
          description:
            "Makes a retry safe: the same key with the same request within 24 hours replays the first answer (with Idempotent-Replayed: true); the same key with a different request is refused with 422.",
          schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7E]+$" },
        },
      },
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "msk_…",
          description: "An API key of this clinic: `npm run -s cli -- api-key create --clinic <slug> --name <label>`.",
        },
        patientSession: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "A patient's session on this clinic's site: reads only, and only their own appointments.",
        },
      },
    },
  };
}

/** The document for a clinic's host; `origin` is where the caller reached it. */
export function openApiDocument(origin: string): JsonSchema {
  cached ??= build();
  return {
    openapi: "3.1.0",
    info: {
      title: "Medslot API",
      version: "1.0.0",
      description:
        `API v1 of a Medslot clinic, on the clinic's own host. JSON in and out; errors are RFC 9457 problem documents (application/problem+json). Times carry the clinic's local offset; plain dates in ranges mean the clinic's local midnight.\n\n${RATE_LIMITS_TEXT}`,
    },
    servers: [{ url: origin, description: "This clinic" }],
    tags: [
      { name: "Clinic", description: "The clinic, its services, practitioners and free times." },
      { name: "Appointments", description: "Booking, reading, cancelling and moving appointments." },
      { name: "Reference", description: "This document." },
    ],
    security: [{ apiKey: [] }],
    paths: cached.paths,
    components: cached.components,
  };
}
