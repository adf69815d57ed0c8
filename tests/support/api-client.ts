/**
 * Calls API v1 route modules the way the server does: a real Request on a clinic's host, and the
 * load context server.ts builds (request id, the site its Host names, client IP). The routes use
 * the app's database singleton, so the environment points it at the test cluster for this file.
 */
import { randomInt, randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { inject, vi } from "vitest";
import { resolveSite } from "~/modules/tenancy/site.server";
import { getDb } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { testDb } from "./db";

/** Points getDb() at the test database; call before any route runs, undo with `releaseAppDb`. */
export function routeDbIsTestDb() {
  vi.stubEnv("DATABASE_URL", inject("runtimeUrl"));
  vi.stubEnv("MIGRATE_DATABASE_URL", inject("ownerUrl"));
  vi.stubEnv("APP_DOMAIN", "localhost");
  resetEnvCache();
}

export async function releaseAppDb() {
  await getDb().disconnect();
  vi.unstubAllEnvs();
  resetEnvCache();
}

type Handler = (args: { request: Request; context: AppLoadContext; params: Record<string, string | undefined> }) => Promise<Response> | Response;

export interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

export interface CallOptions {
  method?: string;
  /** "northside.localhost", "localhost" (the marketplace), ... */
  host: string;
  key?: string | null;
  cookie?: string;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string (sent as is). */
  body?: unknown;
  params?: Record<string, string>;
  /** The caller's address as the server sees it (req.ip); 203.0.113.9 unless given. */
  clientIp?: string;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls a route module's loader (GET, HEAD) or action (anything else), like Remix does. */
export async function callRoute<T = Record<string, unknown>>(route: RouteModule, path: string, opts: CallOptions): Promise<ApiAnswer<T>> {
  const method = opts.method ?? "GET";
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("Authorization", `Bearer ${opts.key}`);
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const request = new Request(`http://${opts.host}${path}`, { method, headers, body });
  const context: AppLoadContext = { requestId: randomUUID(), site: await resolveSite(opts.host, "localhost", testDb()), clientIp: opts.clientIp ?? "203.0.113.9" };
  const handler = method === "GET" || method === "HEAD" ? route.loader : route.action;
  if (!handler) throw new Error(`the route has no ${method === "GET" ? "loader" : "action"}`);
  const response = await handler({ request, context, params: opts.params ?? {} });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** A valid, unused-looking US number (libphonenumber accepts it; the exchange never starts with 0 or 1). */
export function usPhone(): string {
  return `+1212${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, "0")}`;
}
