/**
 * What every API v1 request goes through before its endpoint runs: the clinic named by the host,
 * the caller (an API key, or a patient's session cookie where that is allowed), the rate limits,
 * and input read defensively. Everything here fails with a problem document, never a 500.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { getViewer } from "~/modules/auth/guards.server";
import { appendPendingSessionCookie } from "~/modules/auth/session.server";
import type { Actor } from "~/lib/actor";
import { ClinicNotTakingBookingsError } from "~/modules/scheduling/booking.server";
import type { Audience } from "~/modules/scheduling/schedule-data.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicSite } from "~/modules/tenancy/site.server";
import { bodyLimitFor, isBodyTooLarge, readBodyWithin } from "~/utils/body-limit.server";
import { acceptsGzip } from "~/utils/accept-encoding";
import { getDb, type ClinicDb } from "~/utils/db.server";
import { answerFromBytes, responseFromBytes } from "~/utils/raw-body.server";
import { apiRoute, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod, problem, problemType } from "~/utils/problem.server";
import { authenticateApiKey, hashApiKey } from "./api-keys.server";
import { idempotencyKeyOf, REPLAYED_HEADER, type IdempotencyScope, type IdempotentAnswer } from "./idempotency.server";
import { ApiRequestError, badRequest, BodyTooLargeProblem } from "./problems.server";
import { limitAddress, limitKey, refuseAddressKnownOverLimit, refuseKeyKnownOverLimit, settleRateLimits } from "./rate-limits.server";

export type ApiCaller = { kind: "api-key"; apiKeyId: string; name: string } | { kind: "patient"; patientAccountId: string };

export interface ApiClinic extends ClinicRef {
  slug: string;
  name: string;
}

export interface ApiRequest {
  /** The database, already scoped to this clinic (row-level security sees only its rows). */
  db: ClinicDb;
  clinic: ApiClinic;
  caller: ApiCaller;
  /** How the scheduling module records this caller. */
  actor: Actor;
  /** Integrations see internal-only services (they book for the clinic's own staff); patients do not. */
  audience: Audience;
}

/**
 * Who may call an endpoint. "read": an API key, or a patient's session cookie on this clinic's
 * host (the catalog, slots, and the patient's own appointments). "integration": an API key only;
 * creating and changing appointments through the API is for the clinic's software.
 */
export type ApiAccess = "read" | "integration";

/** What an API request body may weigh (the server refuses more where the request enters, too). */
export const MAX_BODY_BYTES = bodyLimitFor("/api/v1").bytes;

/** The clinic whose host was called; the marketplace and unknown hosts have no API. */
export function requireClinicHost(context: AppLoadContext): ClinicSite {
  const { site } = context;
  // A suspended clinic's host still names it, so integrations learn why instead of "no clinic here".
  if (site.kind === "not-found" && site.reason === "suspended") throw new ClinicNotTakingBookingsError();
  if (site.kind !== "clinic")
    throw new NotFoundError("There is no clinic at this address. API v1 answers on a clinic's own host, e.g. https://{clinic}.medslot.example/api/v1.");
  return site.clinic;
}

function bearerTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header === null) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError("Send the API key as Authorization: Bearer <key>.");
  return match[1]!;
}

/**
 * The clinic and the caller of an API request, or the problem that stops it. The rate limits come
 * first, before any work worth protecting: an address already over its limit is refused before a
 * key is looked up, a failed key check counts against the address, and a key's own limit is
 * checked as soon as the key is known. Calls without a key count against the address.
 */
export async function requireApiCaller(request: Request, context: AppLoadContext, access: ApiAccess): Promise<ApiRequest> {
  const site = requireClinicHost(context);
  const db = getDb();
  const audit = auditContextFromRequest(request, context);

  if (request.headers.has("authorization")) {
    refuseAddressKnownOverLimit(context);
    let key;
    let keyHash;
    try {
      const token = bearerTokenOf(request)!;
      keyHash = hashApiKey(token);
      refuseKeyKnownOverLimit(context, keyHash);
      key = await authenticateApiKey(db, site.id, token);
    } catch (error) {
      if (error instanceof UnauthorizedError) await limitAddress(context);
      throw error;
    }
    await limitKey(context, { ...key, keyHash });
    return {
      db: db.forClinic(key.clinicId),
      clinic: { id: site.id, slug: site.slug, name: site.name, timeZone: site.timeZone, currency: site.currency },
      caller: { kind: "api-key", apiKeyId: key.id, name: key.name },
      actor: { type: "api", id: key.id, request: audit },
      audience: "staff",
    };
  }

  await limitAddress(context);
  if (access === "integration") {
    throw new UnauthorizedError("Creating or changing appointments through the API needs an API key of this clinic (Authorization: Bearer <key>).");
  }
  const viewer = await getViewer(request, context);
  if (viewer.kind === "staff") throw new ForbiddenError("Staff sessions do not open the API; create an API key for the software that needs it.");
  if (viewer.kind !== "patient") throw new UnauthorizedError();
  return {
    db: db.forClinic(site.id),
    clinic: { id: site.id, slug: site.slug, name: site.name, timeZone: site.timeZone, currency: site.currency },
    caller: { kind: "patient", patientAccountId: viewer.patient.id },
    actor: { type: "patient", id: viewer.patient.id, request: audit },
    audience: "public",
  };
}

/** "api-key:<id>" or "patient:<id>": whose Idempotency-Keys a stored answer belongs to. */
export function callerLabel(caller: ApiCaller): string {
  return caller.kind === "api-key" ? `api-key:${caller.apiKeyId}` : `patient:${caller.patientAccountId}`;
}

// ---------------------------------------------------------------------------------------------
// Input

function isJsonMediaType(contentType: string | null): boolean {
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return media === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

/** The request body as parsed JSON (not yet validated). */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get("content-type"))) {
    throw new ApiRequestError(
      415,
      problemType("unsupported-media-type"),
      "Unsupported media type",
      "Send the body as JSON, with Content-Type: application/json.",
      { "Accept-Post": "application/json" },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBodyWithin(request, MAX_BODY_BYTES);
  } catch (error) {
    if (!isBodyTooLarge(error)) throw error;
    throw new BodyTooLargeProblem(MAX_BODY_BYTES);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("The body is not valid UTF-8 text.");
  }
  if (!text.trim()) throw badRequest("The body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates parsed input; zod's issues become a 422 with one entry per field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: "body" | "query"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    what === "body" ? "Some fields of the body are missing or wrong; see errors." : "Some query parameters are missing or wrong; see errors.",
    fieldErrorsFromZod(result.error),
  );
}

/**
 * A POST's validated body, and its Idempotency-Key scope when the header is sent. The scope keeps
 * the body as sent (before defaults and trimming), so a retry must repeat the request itself.
 */
export async function readCommand<S extends z.ZodType>(
  request: Request,
  api: ApiRequest,
  schema: S,
): Promise<{ input: z.output<S>; idempotency: IdempotencyScope | null }> {
  const key = idempotencyKeyOf(request);
  const raw = await readJsonBody(request);
  const input = validate(schema, raw, "body");
  const idempotency = key
    ? { caller: callerLabel(api.caller), key, method: request.method, path: new URL(request.url).pathname, body: raw }
    : null;
  return { input, idempotency };
}

/** Query parameters as an object; an empty value counts as absent, a repeated one is refused. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const values: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, value] of params) {
    if (value === "") continue;
    if (name in values) repeated.push(name);
    values[name] = value;
  }
  if (repeated.length) {
    throw new ValidationError(
      "Give each query parameter once.",
      [...new Set(repeated)].map((path) => ({ path, message: "Given more than once." })),
    );
  }
  return validate(schema, values, "query");
}

// ---------------------------------------------------------------------------------------------
// Answers

export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  // Answers carry patient data and live schedules: nothing in between may keep a copy.
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  // From bytes: the server writes them with the headers in one go (see responseFromBytes).
  return responseFromBytes(Buffer.from(JSON.stringify(body)), { status: init.status ?? 200, headers });
}

/**
 * A large JSON answer already serialized, sent gzipped from its kept compressed form when the
 * client takes gzip (the server's compression then leaves it alone).
 */
export function apiJsonAnswer(request: Request, answer: { plain: () => Buffer; gzip: () => Buffer }): Response {
  const headers = new Headers({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", Vary: "Accept-Encoding" });
  if (!acceptsGzip(request.headers.get("accept-encoding"))) return answerFromBytes(request, answer.plain(), { status: 200, headers });
  headers.set("Content-Encoding", "gzip");
  return answerFromBytes(request, answer.gzip(), { status: 200, headers });
}

/** An answer that may be a replay of an earlier request with the same Idempotency-Key. */
export function idempotentJson(answer: IdempotentAnswer<unknown>, headers: Record<string, string> = {}): Response {
  return apiJson(answer.body, { status: answer.status, headers: answer.replayed ? { ...headers, [REPLAYED_HEADER]: "true" } : headers });
}

interface RouteArgs {
  request: Request;
  context: AppLoadContext;
}

/**
 * An API loader or action: anything it throws becomes a problem document, and a patient's renewed
 * session cookie and the RateLimit headers are sent along (resource routes skip the document and
 * data handlers that do it).
 */
export function apiEndpoint<A extends RouteArgs>(handler: (args: A) => Promise<Response>): (args: A) => Promise<Response> {
  const wrapped = apiRoute(handler);
  return async (args) => {
    let response: Response | null = null;
    try {
      response = await wrapped(args);
      appendPendingSessionCookie(args.context, response.headers);
      return response;
    } finally {
      settleRateLimits(args.context, response?.headers ?? null);
    }
  };
}

/** Answers any method an endpoint does not serve. */
export function methodNotAllowed(...allowed: string[]) {
  const allow = allowed.join(", ");
  return ({ request }: RouteArgs) =>
    problem({
      status: 405,
      type: problemType("method-not-allowed"),
      title: "Method not allowed",
      detail: `${request.method} is not supported here; use ${allow}.`,
      headers: { Allow: allow },
    });
}

/** Throws 405 unless the request uses `method` (a POST-only action also receives PUT, PATCH, DELETE). */
export function requireMethod(request: Request, method: string, allow: string) {
  if (request.method !== method) {
    throw new ApiRequestError(405, problemType("method-not-allowed"), "Method not allowed", `${request.method} is not supported here; use ${allow}.`, {
      Allow: allow,
    });
  }
}
