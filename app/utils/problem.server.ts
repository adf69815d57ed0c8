import type { z } from "zod";
import { responseFromBytes } from "./raw-body.server";

/**
 * RFC 9457 problem documents: how the API answers every error, as `application/problem+json`.
 * `type` names the kind of problem (a stable URI clients may switch on), `title` is its short
 * human summary, `detail` explains this occurrence, and `errors` lists field-level messages.
 */

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const PROBLEM_TYPE_BASE = "https://medslot.dev/problems/";

/** A stable problem type URI, e.g. problemType("not-found"). */
export function problemType(slug: string) {
  return `${PROBLEM_TYPE_BASE}${slug}`;
}

export interface ProblemFieldError {
  /** Where in the input, dotted: "patient.phone", "items.0.quantity"; "" for the whole input. */
  path: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail?: string;
  /** Defaults to "about:blank" (the problem is just the HTTP status), as RFC 9457 says. */
  type?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  /** Further members, e.g. `requestId`, `alternatives`. They never replace the standard ones. */
  extensions?: Record<string, unknown>;
  headers?: HeadersInit;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export function problemDocument(init: ProblemInit): ProblemDocument {
  return {
    ...init.extensions,
    type: init.type ?? "about:blank",
    title: init.title,
    status: init.status,
    ...(init.detail !== undefined ? { detail: init.detail } : {}),
    ...(init.instance !== undefined ? { instance: init.instance } : {}),
    ...(init.errors?.length ? { errors: init.errors } : {}),
  };
}

export function problem(init: ProblemInit): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", PROBLEM_CONTENT_TYPE);
  // Errors describe one moment; a cache must not replay them.
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return responseFromBytes(Buffer.from(JSON.stringify(problemDocument(init))), { status: init.status, headers });
}

/** Zod issues as field-level errors. */
export function fieldErrorsFromZod(error: z.core.$ZodError): ProblemFieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === "symbol" ? segment.description ?? "" : String(segment))).join("."),
    message: issue.message,
  }));
}

/** 422 with one entry per invalid field. */
export function problemFromZod(error: z.core.$ZodError, init: { detail?: string; extensions?: Record<string, unknown> } = {}): Response {
  return problem({
    status: 422,
    type: problemType("invalid-input"),
    title: "The request is not valid",
    detail: init.detail ?? "Some fields are missing or wrong; see errors.",
    errors: fieldErrorsFromZod(error),
    extensions: init.extensions,
  });
}
