import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { log } from "./log.server";
import { isBodyTooLarge } from "./body-limit.server";
import { problem, problemFromZod, problemType, type ProblemFieldError } from "./problem.server";

/**
 * Domain modules throw these; `toProblem` is the one place that turns them into HTTP answers. Their
 * `detail` is written for the person on the other end and is shown as is, so it must never carry
 * internals (SQL, stack traces, other clinics' data).
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly problemType: string;
  abstract readonly title: string;

  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }

  /** Extra members of the problem document. */
  extensions(): Record<string, unknown> {
    return {};
  }

  headers(): Record<string, string> {
    return {};
  }
}

/** The record does not exist, or belongs to another clinic (which must look the same). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly problemType = problemType("not-found");
  readonly title = "Not found";
  constructor(detail = "We could not find what you asked for.") {
    super(detail);
  }
}

/** The change collides with the current state, e.g. the time was just taken. */
export class ConflictError<TAlternative = unknown> extends DomainError {
  readonly status = 409;
  readonly problemType = problemType("conflict");
  readonly title = "Conflict";
  /** What the caller could do instead, e.g. the nearest free slots. */
  readonly alternatives: TAlternative[] | undefined;
  constructor(detail: string, opts: { alternatives?: TAlternative[] } = {}) {
    super(detail);
    this.alternatives = opts.alternatives;
  }
  override extensions() {
    return this.alternatives ? { alternatives: this.alternatives } : {};
  }
}

/** Signed in (or identified) but not allowed to do this. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly problemType = problemType("forbidden");
  readonly title = "Forbidden";
  constructor(detail = "You are not allowed to do this.") {
    super(detail);
  }
}

/** Not signed in, or the credentials (API key, session) are missing or not valid here. */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly problemType = problemType("unauthorized");
  readonly title = "Unauthorized";
  constructor(detail = "Sign in, or send a valid API key for this clinic.") {
    super(detail);
  }
  override headers(): Record<string, string> {
    return { "WWW-Authenticate": 'Bearer realm="medslot"' };
  }
}

/** Input that is well-formed but breaks a rule (schema errors from zod map to the same status). */
export class ValidationError extends DomainError {
  readonly status = 422;
  readonly problemType = problemType("invalid-input");
  readonly title = "The request is not valid";
  constructor(detail: string, readonly errors: ProblemFieldError[] = []) {
    super(detail);
  }
}

/** Too many attempts; the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly problemType = problemType("rate-limited");
  readonly title = "Too many requests";
  readonly retryAfterSeconds: number;
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
  override extensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
  override headers(): Record<string, string> {
    return { "Retry-After": String(this.retryAfterSeconds) };
  }
}

/**
 * Any thrown value as an HTTP answer: a thrown Response (a guard's redirect or 404) passes through
 * unchanged; domain and zod errors become problem documents; anything else is logged with the
 * request id and answered with a generic 500 that reveals nothing about its cause.
 */
export function toProblem(error: unknown, requestId: string): Response {
  if (error instanceof Response) return error;
  if (error instanceof DomainError) {
    return problem({
      status: error.status,
      type: error.problemType,
      title: error.title,
      detail: error.detail,
      errors: error instanceof ValidationError ? error.errors : undefined,
      extensions: { ...error.extensions(), requestId },
      headers: error.headers(),
    });
  }
  if (error instanceof z.core.$ZodError) return problemFromZod(error, { extensions: { requestId } });
  // A body cut off at its limit where the request entered (the server answers 413 itself).
  if (isBodyTooLarge(error)) {
    return problem({ status: 413, type: problemType("payload-too-large"), title: "Request body too large", detail: error.message, extensions: { maxBytes: error.limit, requestId } });
  }
  const e = error instanceof Error ? error : new Error(String(error));
  log.error("unhandled error", { requestId, error: e.message, name: e.name, stack: e.stack });
  return problem({
    status: 500,
    type: problemType("internal-error"),
    title: "Internal server error",
    detail: "Something went wrong on our side. If it keeps happening, contact support and quote the request id.",
    extensions: { requestId },
  });
}

interface RouteArgs {
  request: Request;
  context: AppLoadContext;
}

/**
 * Wraps an API loader or action: whatever it throws (domain errors, zod errors, anything else)
 * becomes a problem document. Thrown Responses pass through as they are.
 */
export function apiRoute<A extends RouteArgs, R>(handler: (args: A) => Promise<R> | R): (args: A) => Promise<R | Response> {
  return async (args) => {
    try {
      return await handler(args);
    } catch (error) {
      return toProblem(error, args.context.requestId);
    }
  };
}
