/**
 * The express application that serves every host: static files, request logging, /healthz, the
 * same-origin check, request-body limits and the Remix app. server.ts starts it; tests run the
 * same app on a free port.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express from "express";
import type { IncomingHttpHeaders } from "node:http";
import { createRequestHandler, writeReadableStreamToWritable, type ActionFunction, type AppLoadContext, type LoaderFunction, type ServerBuild } from "@remix-run/node";
import { resolveSite, siteForPath } from "~/modules/tenancy/site.server";
import { acceptsGzip } from "~/utils/accept-encoding";
import { bodyLimitFor, bodyTooLargeResponse, declaresMoreThan, limitedBody } from "~/utils/body-limit.server";
import { getDb } from "~/utils/db.server";
import { malformedAddressResponse } from "~/utils/malformed-address.server";
import type { Env } from "~/utils/env.server";
import { log, redactPath } from "~/utils/log.server";
import { rawBodyOf, welcomeBytes } from "~/utils/raw-body.server";
import { isSameOrigin } from "~/utils/origin.server";
import { knownRefusalBeforeRouting, sendEarlyRefusal } from "~/modules/api/rate-limits.server";
import { asksToBeKept, PAGE_CACHE_HEADER, PageCache, type KeptPage } from "./page-cache.server";
import { baselineSecurityHeaders } from "./security-headers.server";

export interface HttpAppOptions {
  build: ServerBuild;
  env: Pick<Env, "NODE_ENV" | "APP_DOMAIN" | "PORT" | "PUBLIC_URL" | "TRUST_PROXY" | "STRIPE_SECRET_KEY" | "STRIPE_PUBLISHABLE_KEY">;
  /** public/: static files, with the browser build under public/build. */
  publicDir: string;
}

export function createHttpApp({ build, env, publicDir }: HttpAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Nothing reads req.query (Remix and the API routes read the URL themselves): not parsed at all.
  app.set("query parser", false);
  app.set("trust proxy", parseTrustProxy(env.TRUST_PROXY));
  app.set("trust proxy", rememberedTrust(app.get("trust proxy fn") as TrustProxyFn));
  // Every answer, static files and refusals included, starts with the security headers; a page
  // replaces the Content-Security-Policy with its own (entry.server.tsx).
  const baseline = { plain: Object.entries(baselineSecurityHeaders(env, false)), secure: Object.entries(baselineSecurityHeaders(env, true)) };
  const setBaselineHeaders = (req: express.Request, res: express.Response) => {
    for (const [name, value] of req.secure ? baseline.secure : baseline.plain) res.setHeader(name, value);
  };

  // The hottest API calls (slot reads, bookings) take a lane of their own, first: the baseline
  // headers, the request id and log, the early refusal of a caller known to be over its limit, then
  // straight to their route's loader or action (see `direct` below). What the other middleware
  // does (compression, static files, the same-origin check, kept pages) never applies to them.
  const directRoutes = new Map<string, (req: express.Request, res: express.Response) => Promise<void>>();
  app.use((req, res, next) => {
    const serve = req.headers.cookie || !req.headers.authorization ? undefined : directRoutes.get(`${req.method} ${req.path}`);
    if (!serve) return next();
    setBaselineHeaders(req, res);
    trackRequest(req, res);
    if (refusedAsKnownOverLimit(req, res)) return;
    serve(req, res).catch(next);
  });

  app.use((req, res, next) => {
    setBaselineHeaders(req, res);
    next();
  });
  app.use(compression());
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  // The other static files are few and known at start: a page or API request is not looked up on disk.
  const publicFiles = listPublicFiles(publicDir);
  const serveStatic = express.static(publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (publicFiles.has(req.path) ? serveStatic(req, res, next) : next()));
  const pages = new PageCache(getDb().changes);

  function trackRequest(req: express.Request, res: express.Response) {
    // A proxy's request id is kept when it looks like one; anything else is replaced, since it
    // ends up in logs and the audit trail.
    const given = req.get("x-request-id") ?? "";
    const requestId = /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info("request", {
        requestId,
        method: req.method,
        path: redactPath(req.originalUrl.split("?")[0] ?? ""),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        host: req.hostname,
        clinic: res.locals.clinicSlug,
      });
    });
  }
  app.use((req, res, next) => {
    trackRequest(req, res);
    next();
  });

  // An address whose percent-encoding is broken names nothing: 400, before anything tries to decode it.
  app.use((req, res, next) => {
    if (isDecodablePath(req.path)) return next();
    void sendResponse(res, malformedAddressResponse({ pathname: req.path, accept: req.get("accept") ?? null, contentType: null })).catch(next);
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await getDb().forPlatform().tx((tx) => tx.$queryRaw`SELECT 1`);
      res.status(200).json({ ok: true });
    } catch (error) {
      log.error("health check failed", { error: (error as Error).message });
      res.status(503).json({ ok: false });
    }
  });

  // Every mutating request must come from a page of the same site (CSRF defence from the Lucia
  // guide). That includes cookie-less ones: a cross-site form could otherwise send SMS codes or
  // reset emails from visitors' browsers. Exempt: machine-to-machine calls that authenticate
  // themselves (Inngest's, Stripe's and Twilio's signed requests, Bearer-token API calls without
  // cookies).
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    if (["/api/inngest", "/api/payments/webhook", "/api/messages/status"].includes(req.path)) return next();
    if (/^Bearer\s/i.test(req.get("authorization") ?? "") && !req.headers.cookie) return next();
    if (isSameOrigin(req.get("origin") ?? null, req.get("referer") ?? null, req.get("host") ?? "", req.get("sec-fetch-site") ?? null)) return next();
    res.status(403).type("application/problem+json").send(
      JSON.stringify({
        type: "https://medslot.dev/problems/cross-origin-request",
        title: "Cross-origin request refused",
        status: 403,
        detail: "This request did not come from this site. Reload the page and try again.",
      }),
    );
  });

  // An API caller already known to be over its rate limit is answered here, from memory, for about
  // what a static file costs (through Remix a 429 costs three times as much), and held until a
  // retry could succeed, so a client that ignores Retry-After cannot spend the server on refusals.
  function refusedAsKnownOverLimit(req: express.Request, res: express.Response): boolean {
    const refusal = knownRefusalBeforeRouting({ authorization: req.get("authorization"), clientIp: req.ip ?? "unknown", requestId: res.locals.requestId as string });
    if (!refusal) return false;
    sendEarlyRefusal(refusal, () => {
      if (!res.destroyed) res.status(refusal.status).set(refusal.headers).send(refusal.body);
    });
    return true;
  }
  app.use("/api/v1", (req, res, next) => {
    if (!refusedAsKnownOverLimit(req, res)) next();
  });

  // An anonymous visitor's public page, when it was rendered a moment ago (see page-cache.server.ts).
  app.use((req, res, next) => {
    // API calls carry their caller in Authorization: never a kept page.
    const key = getDb().changes.fresh && !req.get("authorization") ? pages.keyOf(req.method, req.get("host"), req.originalUrl, req.get("cookie")) : null;
    if (!key) return next();
    const page = pages.get(key);
    if (page) return sendKeptPage(req, res, page);
    res.locals.pageKey = key;
    res.locals.pageGeneration = pages.currentGeneration;
    next();
  });

  const getLoadContext = async (req: express.Request, res: express.Response): Promise<AppLoadContext> => {
    const site = siteForPath(await resolveSite(req.get("host"), env.APP_DOMAIN), req.path);
    if (site.kind === "clinic") res.locals.clinicSlug = site.clinic.slug;
    res.locals.clinicId = site.kind === "clinic" ? site.clinic.id : site.kind === "marketplace" ? "" : null;
    return { requestId: res.locals.requestId as string, site, clientIp: req.ip ?? "unknown" };
  };

  // The hottest API calls (slot reads, bookings) go straight to their route's loader or action:
  // the same code and answers, without the framework's router and request machinery, which cost
  // more than a cached answer itself (docs/decisions/028). Only calls with an API key and no
  // cookie, at exactly this path; anything else takes the usual way. Served by the first
  // middleware above.
  const direct = (routeId: string, method: "GET" | "POST", pathname: string) => {
    const route = build.routes[routeId]?.module as { loader?: LoaderFunction; action?: ActionFunction } | undefined;
    const handler = method === "GET" ? route?.loader : route?.action;
    if (!handler) return;
    directRoutes.set(`${method} ${pathname}`, async (req, res) => {
      const url = remixUrl(req);
      // A GET has no body to limit and nothing to abort: the cheapest way through.
      const incoming = method === "POST" ? bodyWithinLimit(req, res, url) : null;
      if (incoming?.declaredTooLarge) return refuseBody(req, res, url);
      const context = await getLoadContext(req, res);
      const request = plainRequest(req, url, method, incoming?.body ?? null, incoming?.signal ?? NEVER_ABORTED);
      const response = (await handler({ request, context, params: {} })) as Response;
      if (incoming?.tooLarge()) {
        await response.body?.cancel().catch(() => {});
        return refuseBody(req, res, url);
      }
      await sendResponse(res, response);
    });
  };
  direct("routes/api.v1.slots", "GET", "/api/v1/slots");
  direct("routes/api.v1.appointments", "POST", "/api/v1/appointments");

  app.all(
    "*",
    remixHandler({
      build,
      pages,
      mode: env.NODE_ENV === "production" ? "production" : build.mode,
      getLoadContext,
    }),
  );
  app.use((error: Error, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    log.error("unhandled error", { requestId: res.locals.requestId, path: redactPath(req.path), error: error.message, stack: error.stack });
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side.");
  });
  return app;
}

/**
 * Loads the vendor SDKs the build's routes use (only those configured), so the first "send me a
 * code" does not load Twilio in the middle of traffic. See startIntegrations in entry.server.tsx.
 */
export async function startIntegrations(build: ServerBuild): Promise<void> {
  const entry = build.entry.module as { startIntegrations?: () => Promise<Record<string, string>> };
  const providers = await entry.startIntegrations?.();
  log.info("integrations ready", providers ?? {});
}

/**
 * TRUST_PROXY as Express's "trust proxy": "none" (or "false", "0") trusts no proxy, so the client's
 * address, scheme and host are the connection's own and X-Forwarded-* headers count for nothing; a
 * number trusts that many hops in front; anything else is Express's list of trusted addresses.
 */
function isDecodablePath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function parseTrustProxy(value: string): false | number | string {
  const v = value.trim().toLowerCase();
  if (v === "none" || v === "false" || v === "0") return false;
  return /^\d+$/.test(v) ? Number(v) : value;
}

type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * Express's "trust proxy" test, remembered for the connection's own peer (hop 0): it parses the
 * address on every call, and a request asks it several times (client address, scheme, host).
 * Peers are the proxies in front, a handful; forwarded addresses are visitors', asked as before.
 */
function rememberedTrust(trust: TrustProxyFn): TrustProxyFn {
  const peers = new Map<string, boolean>();
  return (address, hop) => {
    if (hop !== 0) return trust(address, hop);
    let trusted = peers.get(address);
    if (trusted === undefined) {
      trusted = trust(address, hop);
      if (peers.size >= 1_000) peers.clear();
      peers.set(address, trusted);
    }
    return trusted;
  };
}

/** Whether the connection's peer is a proxy this app trusts to tell the client's address, scheme and host. */
function fromTrustedProxy(req: express.Request): boolean {
  const trust = req.app.get("trust proxy fn") as (address: string, hop: number) => boolean;
  return trust(req.socket.remoteAddress ?? "", 0);
}

/**
 * @remix-run/express's request handler (same URL, headers, abort and answer), with the body limit (app/utils/body-limit.server.ts)
 * applied where the request enters: the Fetch Request's body is a counting stream over the
 * socket instead of the socket itself, so every route, webhook and SDK behind it is limited
 * without having to remember it.
 */
function remixHandler(options: {
  build: ServerBuild;
  pages: PageCache;
  mode: string;
  getLoadContext: (req: express.Request, res: express.Response) => Promise<AppLoadContext>;
}): express.RequestHandler {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req, res, next) => {
    let url: URL;
    try {
      url = remixUrl(req);
    } catch (error) {
      return next(error);
    }
    const refuse = () => refuseBody(req, res, url).catch(next);
    const incoming = bodyWithinLimit(req, res, url);
    if (incoming.declaredTooLarge) return refuse();

    try {
      const request = new Request(url.href, {
        method: req.method,
        headers: fetchHeaders(req.headers, fromTrustedProxy(req)),
        signal: incoming.signal,
        ...(incoming.body ? { body: incoming.body, duplex: "half" } : {}),
      });
      const response = await handle(request, await options.getLoadContext(req, res));
      if (incoming.tooLarge()) {
        await response.body?.cancel().catch(() => {});
        return refuse();
      }
      const pageKey = res.locals.pageKey as string | undefined;
      const clinicId = res.locals.clinicId as string | null | undefined;
      if (pageKey && typeof clinicId === "string" && asksToBeKept(response.headers) && response.status === 200) {
        // Read whole, kept, then sent: the first visitor waits for the full render, the next ones do not.
        const body = Buffer.from(await response.arrayBuffer());
        options.pages.keep(pageKey, { status: response.status, headers: response.headers, body }, clinicId, res.locals.pageGeneration as number);
        res.setHeader("Vary", "Cookie");
        return await sendResponse(res, new Response(body.length ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength) : null, response));
      }
      await sendResponse(res, response);
    } catch (error) {
      if (incoming.tooLarge() && !res.headersSent) return refuse();
      next(error);
    }
  };
}

/**
 * The URL as @remix-run/express builds it (host and port from X-Forwarded-Host or Host, per "trust
 * proxy"), except that a forwarded port counts only from a trusted proxy, like the host does.
 */
function remixUrl(req: express.Request): URL {
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(":")[1] ?? "", 10);
  const forwardedPort = fromTrustedProxy(req) ? portOf(req.get("X-Forwarded-Host")) : Number.NaN;
  const hostPort = portOf(req.get("host"));
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : "";
  return new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
}

/** A request's body as the app reads it: counted against the path's limit as it arrives. */
interface LimitedRequestBody {
  /** Its Content-Length is over the limit: refuse it before a byte is read. */
  declaredTooLarge: boolean;
  /** The body as a counting stream over the socket; none for GET and HEAD. */
  body: ReadableStream<Uint8Array> | undefined;
  /** Aborted when the body passes the limit, or when the answer can no longer be written. */
  signal: AbortSignal;
  /** The body passed the limit while it was read: whatever the route answered becomes a 413. */
  tooLarge(): boolean;
}

/**
 * The one place a request's body is limited (app/utils/body-limit.server.ts), for the Remix
 * handler and the API's direct lane alike.
 */
function bodyWithinLimit(req: express.Request, res: express.Response, url: URL): LimitedRequestBody {
  const limit = bodyLimitFor(url.pathname);
  const controller = new AbortController();
  let tooLarge = false;
  discardUnreadBodyAfterAnswer(req, res);
  if (declaresMoreThan(req.get("content-length"), limit.bytes)) return { declaredTooLarge: true, body: undefined, signal: controller.signal, tooLarge: () => false };
  const body =
    req.method === "GET" || req.method === "HEAD"
      ? undefined
      : limitedBody(req, limit.bytes, (error) => {
          tooLarge = true;
          // Whatever the route makes of its broken body is replaced by a 413 (and, being aborted,
          // is not logged as a server error).
          controller.abort(error);
        });
  // Like @remix-run/express: a response that can no longer be written aborts the loaders and actions.
  let finished = false;
  res.on("finish", () => (finished = true));
  res.on("close", () => finished || controller.abort());
  return { declaredTooLarge: false, body, signal: controller.signal, tooLarge: () => tooLarge };
}

function refuseBody(req: express.Request, res: express.Response, url: URL) {
  const limit = bodyLimitFor(url.pathname);
  log.warn("request body too large", {
    requestId: res.locals.requestId,
    method: req.method,
    path: redactPath(url.pathname),
    limit: limit.bytes,
    declared: req.get("content-length") ?? null,
  });
  const response = bodyTooLargeResponse({ pathname: url.pathname, accept: req.get("accept") ?? null, contentType: req.get("content-type") ?? null }, limit);
  return sendResponse(res, response);
}

/**
 * How long the rest of an unread body is taken off the wire (and dropped) after the answer: while
 * bytes keep coming, up to half a minute; a client that goes quiet for a few seconds is let go.
 * (nginx's lingering close works the same way.)
 */
const DISCARD_IDLE_MS = 5_000;
const DISCARD_AT_MOST_MS = 30_000;

/**
 * Once answered, whatever the client still sends is dropped, not kept; a client that is still
 * uploading then has the time to read the answer (a socket closed on unread bytes resets the
 * connection, and the client's system throws away the answer it had not yet read). A slow upload on
 * a busy server is still arriving, so only a quiet or endless one is cut off.
 */
function discardUnreadBodyAfterAnswer(req: express.Request, res: express.Response) {
  res.once("prefinish", () => {
    if (req.complete || res.shouldKeepAlive) return;
    // On a "Connection: close" request Node closes the socket as soon as the answer is written,
    // unread body or not, which resets it: only the sending side is closed here, the rest below.
    const socket = req.socket as typeof req.socket & { destroySoon?: () => void };
    socket.destroySoon = () => {
      if (socket.writable) socket.end();
    };
  });
  res.once("finish", () => {
    if (req.complete) return;
    const stop = () => {
      clearTimeout(idle);
      clearTimeout(atMost);
      req.socket?.destroy();
    };
    let idle = setTimeout(stop, DISCARD_IDLE_MS).unref();
    const atMost = setTimeout(stop, DISCARD_AT_MOST_MS).unref();
    // Counted on the socket: Node drops a dumped body's bytes before they reach the request.
    const arrived = () => {
      if (req.complete) return;
      clearTimeout(idle);
      idle = setTimeout(stop, DISCARD_IDLE_MS).unref();
    };
    req.socket?.on("data", arrived);
    req.socket?.once("close", () => {
      req.socket?.off("data", arrived);
      clearTimeout(idle);
      clearTimeout(atMost);
    });
    req.once("end", () => {
      req.socket?.off("data", arrived);
      clearTimeout(atMost);
      clearTimeout(idle);
      // A kept-alive connection carries on; a closing one is the client's to close now, and is
      // closed for it if it does not.
      if (!res.shouldKeepAlive) idle = setTimeout(stop, DISCARD_IDLE_MS).unref();
    });
    req.resume();
  });
}

/** Headers only a trusted proxy may set: from anyone else they do not reach the app at all. */
const FORWARDING_HEADERS = new Set(["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"]);

function fetchHeaders(nodeHeaders: IncomingHttpHeaders, trustedProxy: boolean): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(nodeHeaders)) {
    if (values === undefined || (!trustedProxy && FORWARDING_HEADERS.has(name))) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, value);
  }
  return headers;
}

/**
 * What an API route reads of its request (URL, method, headers, the body as a stream, the abort
 * signal), over the Node request as it is: building a full Fetch Request costs more than a cached
 * answer. Forwarding headers count only from a trusted proxy, as in fetchHeaders.
 */
function plainRequest(req: express.Request, url: URL, method: "GET" | "POST", body: ReadableStream<Uint8Array> | null, signal: AbortSignal): Request {
  const trusted = fromTrustedProxy(req);
  const header = (name: string) => {
    const key = name.toLowerCase();
    if (!trusted && FORWARDING_HEADERS.has(key)) return undefined;
    return req.headers[key];
  };
  const headers = {
    get: (name: string) => {
      const value = header(name);
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    has: (name: string) => header(name) !== undefined,
  };
  return welcomeBytes({ url: url.href, method, headers, body, signal }) as unknown as Request;
}

const NEVER_ABORTED = new AbortController().signal;

/** The files directly under public/ and its folders other than build/, as URL paths. */
function listPublicFiles(publicDir: string): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!(prefix === "" && entry.name === "build")) walk(path.join(dir, entry.name), `${prefix}/${entry.name}`);
      } else files.add(`${prefix}/${entry.name}`);
    }
  };
  walk(publicDir, "");
  return files;
}

/**
 * An answer's own header replaces the one the app started with (its Content-Security-Policy
 * replaces the baseline: two policies would both apply); cookies add up.
 */
function setAnswerHeader(res: express.Response, name: string, value: string) {
  if (name.toLowerCase() === "set-cookie") res.append(name, value);
  else res.setHeader(name, value);
}

function sendKeptPage(req: express.Request, res: express.Response, page: KeptPage) {
  res.status(page.status);
  for (const [name, value] of page.headers) setAnswerHeader(res, name, value);
  res.setHeader("Vary", "Accept-Encoding, Cookie");
  const gzip = acceptsGzip(req.get("accept-encoding"));
  const body = gzip ? page.gzip : page.body;
  // Already encoded: the compression middleware leaves it alone.
  if (gzip) res.setHeader("Content-Encoding", "gzip");
  res.setHeader("Content-Length", String(body.length));
  if (req.method === "HEAD") res.end();
  else res.end(body);
}

async function sendResponse(res: express.Response, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) if (name !== PAGE_CACHE_HEADER.toLowerCase()) setAnswerHeader(res, name, value);
  // Server-sent events (the live queue) start at once.
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  // Bytes the app already held (kept answers) go out in one write, without a web stream.
  const raw = rawBodyOf(response);
  if (raw) res.end(raw);
  else if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
