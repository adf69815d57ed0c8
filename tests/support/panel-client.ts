/**
 * Calls panel route modules (loaders and actions) as a signed-in member of staff, the way the
 * server does: a real Request on the clinic's host with a real session cookie. Loaders may return
 * plain data or throw responses (redirects, 403, 404); both come back as one answer.
 *
 * Use with `routeDbIsTestDb()` from api-client.ts so the routes' database is the test cluster.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { StaffRole } from "~/generated/prisma/enums";
import { createSession } from "~/modules/auth/session.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { resolveSite } from "~/modules/tenancy/site.server";
import { testDb } from "./db";
import { createScheduleFixture, type ScheduleFixture, type ScheduleFixtureOptions } from "./scheduling";

type Handler = (args: { request: Request; context: AppLoadContext; params: Record<string, string | undefined> }) => unknown;

export interface PanelRoute {
  loader?: Handler;
  action?: Handler;
}

export interface PanelCall {
  method?: string;
  /** The clinic's host, e.g. "t-1234abcd.localhost"; "localhost" is the marketplace/admin host. */
  host: string;
  cookie?: string | null;
  /** Sent as application/x-www-form-urlencoded, like a browser form. */
  form?: Record<string, string | string[]>;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface PanelAnswer<T = unknown> {
  status: number;
  /** Where a redirect points, if it was one. */
  location: string | null;
  /** The loader's or action's data (parsed JSON for responses), or the response text. */
  data: T;
  headers: Headers;
}

async function readResponse<T>(response: Response): Promise<PanelAnswer<T>> {
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get("Content-Type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: response.status, location: response.headers.get("Location"), data: parsed as T, headers: response.headers };
}

/** Remix's `data()` helper returns a DataWithResponseInit; treat it like its response. */
function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: string }).type === "DataWithResponseInit";
}

export async function callPanel<T = unknown>(route: PanelRoute, path: string, opts: PanelCall): Promise<PanelAnswer<T>> {
  const method = opts.method ?? (opts.form ? "POST" : "GET");
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  let body: string | undefined;
  if (opts.form) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    body = params.toString();
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  const request = new Request(`http://${opts.host}${path}`, { method, headers, body });
  const context = { requestId: randomUUID(), site: await resolveSite(opts.host, "localhost", testDb()), clientIp: "203.0.113.9" } as AppLoadContext;
  const handler = method === "GET" || method === "HEAD" ? route.loader : route.action;
  if (!handler) throw new Error(`the route has no ${method === "GET" ? "loader" : "action"}`);
  try {
    const result = await handler({ request, context, params: opts.params ?? {} });
    if (result instanceof Response) return readResponse<T>(result);
    if (isDataWithInit(result)) return { status: result.init?.status ?? 200, location: null, data: result.data as T, headers: new Headers(result.init?.headers) };
    return { status: 200, location: null, data: result as T, headers: new Headers() };
  } catch (thrown) {
    if (thrown instanceof Response) return readResponse<T>(thrown);
    throw thrown;
  }
}

/**
 * Opens an event stream route and closes it at once: its status, type and redirect, never its
 * endless body. A refusal thrown before the stream starts comes back the same way.
 */
export async function openStream(route: PanelRoute, path: string, opts: { host: string; cookie?: string | null; params?: Record<string, string> }) {
  if (!route.loader) throw new Error("the route has no loader");
  const abort = new AbortController();
  const headers = new Headers(opts.cookie ? { Cookie: opts.cookie } : {});
  const request = new Request(`http://${opts.host}${path}`, { headers, signal: abort.signal });
  const context = { requestId: randomUUID(), site: await resolveSite(opts.host, "localhost", testDb()), clientIp: "203.0.113.9" } as AppLoadContext;
  let response: Response;
  try {
    response = (await route.loader({ request, context, params: opts.params ?? {} })) as Response;
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    response = thrown;
  }
  abort.abort();
  await response.body?.cancel().catch(() => {});
  return { status: response.status, type: response.headers.get("Content-Type") ?? "", location: response.headers.get("Location") };
}

/** A session cookie for a member of staff on `host` (the clinic's host, or "localhost" for an operator). */
export async function staffCookie(host: { clinicId: string | null; host: string }, staffUserId: string): Promise<string> {
  const { token } = await createSession(testDb(), host, { subject: "staff", staffUserId }, { ip: "203.0.113.9", userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

export interface PanelFixture extends ScheduleFixture {
  host: string;
  /** Staff user ids by role; doctor is the staff user behind doctorIds[0], otherDoctor behind doctorIds[1]. */
  staff: { owner: string; secretary: string; doctor: string; otherDoctor: string };
  /** Session cookies on this clinic's host, by role. */
  cookies: { owner: string; secretary: string; doctor: string; otherDoctor: string };
}

/**
 * A clinic with an owner, a secretary and two doctors (from createScheduleFixture, so they have
 * schedules, a location and a service), each signed in on the clinic's host.
 */
export async function createPanelFixture(opts: ScheduleFixtureOptions = { doctors: 2 }): Promise<PanelFixture> {
  const f = await createScheduleFixture({ ...opts, doctors: Math.max(2, opts.doctors ?? 2) });
  const db = testDb().forClinic(f.clinic.id);
  const staff = await db.tx(async (tx) => {
    const member = async (role: StaffRole) => {
      const user = await tx.staffUser.create({ data: { email: `${role}-${randomBytes(5).toString("hex")}@clinic.test`, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, passwordHash: "not-a-hash" } });
      await tx.clinicMembership.create({ data: { clinicId: f.clinic.id, staffUserId: user.id, role } });
      return user.id;
    };
    const doctorUsers = await tx.clinicMembership.findMany({ where: { id: { in: f.doctorIds.slice(0, 2) } }, select: { id: true, staffUserId: true } });
    const userOf = (membershipId: string) => doctorUsers.find((d) => d.id === membershipId)!.staffUserId;
    return { owner: await member("owner"), secretary: await member("secretary"), doctor: userOf(f.doctorIds[0]!), otherDoctor: userOf(f.doctorIds[1]!) };
  });
  const host = `${f.clinic.slug}.localhost`;
  const on = { clinicId: f.clinic.id, host };
  const cookies = {
    owner: await staffCookie(on, staff.owner),
    secretary: await staffCookie(on, staff.secretary),
    doctor: await staffCookie(on, staff.doctor),
    otherDoctor: await staffCookie(on, staff.otherDoctor),
  };
  return { ...f, host, staff, cookies };
}

/** The roles a permission matrix walks through, in a fixed order. */
export const PANEL_ROLES = ["owner", "secretary", "doctor"] as const;
export type PanelRole = (typeof PANEL_ROLES)[number];
