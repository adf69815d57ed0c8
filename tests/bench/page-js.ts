/**
 * The JavaScript each step of the patient's booking flow makes the browser download before the step
 * is interactive: the client entry, the root and the matched routes' modules and every chunk they
 * import statically (dynamic imports load later, on demand).
 *
 * Counted from the build's assets manifest (each route's module and imports), because several steps
 * need a signed-in patient, a pending SMS code or a booked visit, which the bench cannot produce
 * without sending an SMS. A step's files depend only on the routes it matches, so the count holds
 * for every state of the step. To make sure the count misses nothing, the steps a visitor reaches
 * without signing in are also walked as a browser would (links, then a real hold through the times
 * form) and each one's HTML is read: its matched routes must be the ones the count assumed, and every
 * script it names (module preloads, the inline module script's imports) must be in the count.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface JsFile {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface StepJs {
  step: string;
  /** The matched routes, root first. */
  routes: string[];
  files: JsFile[];
  bytes: number;
  gzipBytes: number;
  /** Set when the step's HTML was read and agreed with the count. */
  html: { path: string; files: number; inlineScriptBytes: number; inlineScriptGzipBytes: number } | null;
}

export interface BookingJs {
  steps: StepJs[];
  largest: StepJs;
  home: StepJs;
}

interface RouteManifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { id: string; parentId?: string; module: string; imports?: string[] }>;
}

/** Every step a patient goes through on a clinic's site, with the route that answers it. */
export const BOOKING_STEPS = [
  { step: "service", leaf: "routes/book._index" },
  { step: "location", leaf: "routes/book._index" },
  { step: "doctor", leaf: "routes/book._index" },
  { step: "calendar", leaf: "routes/book._index" },
  { step: "times", leaf: "routes/book._index" },
  { step: "review, signed out", leaf: "routes/book.review" },
  { step: "sign-in: phone", leaf: "routes/sign-in" },
  { step: "sign-in: code", leaf: "routes/sign-in" },
  { step: "sign-in: name of a new patient", leaf: "routes/sign-in" },
  { step: "review: who, card and deposit", leaf: "routes/book.review" },
  { step: "done: receipt", leaf: "routes/book.done.$id" },
  // Moving a booked visit walks the same calendar, times and review on its own page.
  { step: "change a visit: day, time, review", leaf: "routes/account.appointments.$id_.change" },
] as const;

const HOME = { step: "clinic home page", leaf: "routes/_index" };

type StepName = (typeof BOOKING_STEPS)[number]["step"];

// `from"./chunk-X.js"` and `import"./x.js"` are static; `import("./x.js")` has a parenthesis and is not.
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g;
// What a page makes the browser fetch: module preloads, script src, and the imports of its inline
// module script (static route modules and the `import("…")` of the entry). Paths that appear only
// as data, such as the routes and the manifest address inside the inline route manifest, are not.
const PRELOAD = /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g;
const SCRIPT_SRC = /<script\b[^>]*\bsrc="([^"]+)"/g;
const INLINE_MODULE = /<script\b(?![^>]*\bsrc=)[^>]*\btype="module"[^>]*>([\s\S]*?)<\/script>/g;
const MODULE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+\.js)["']/g;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

interface Answer {
  status: number;
  location: string | null;
  setCookies: string[];
  body: Buffer;
}

/** A minimal browser: one site, a cookie jar, same-origin form posts. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(
    readonly port: number,
    readonly host: string,
  ) {}

  private send(method: "GET" | "POST", pathname: string, form?: Record<string, string>): Promise<Answer> {
    const body = form ? Buffer.from(new URLSearchParams(form).toString()) : undefined;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path: pathname,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            host: this.host,
            accept: "text/html",
            ...(cookie ? { cookie } : {}),
            // The server refuses cross-site posts; a browser names the page's own origin.
            ...(body ? { origin: `http://${this.host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const setCookies = res.headers["set-cookie"] ?? [];
            for (const line of setCookies) {
              const [pair] = line.split(";");
              const at = pair!.indexOf("=");
              if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
            }
            resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, setCookies, body: Buffer.concat(chunks) });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  /** GET (or POST then GET) following redirects; the final path and its answer. */
  async open(pathname: string, form?: Record<string, string>): Promise<{ path: string; status: number; body: Buffer }> {
    let answer = await this.send(form ? "POST" : "GET", pathname, form);
    let at = pathname;
    for (let i = 0; i < MAX_REDIRECTS && answer.status >= 300 && answer.status < 400 && answer.location; i++) {
      const next = new URL(answer.location, `http://${this.host}${at}`);
      if (next.host !== this.host) break;
      at = `${next.pathname}${next.search}`;
      answer = await this.send("GET", at);
    }
    return { path: at, status: answer.status, body: answer.body };
  }

  fetchFile(pathname: string): Promise<Answer> {
    return this.send("GET", pathname);
  }
}

/** The assets manifest of the build on disk, as served by the server that loaded that build. */
async function loadManifest(root: string, visitor: Visitor): Promise<RouteManifest> {
  const server = fs.readFileSync(path.join(root, "build/index.js"), "utf8");
  const url = /\burl: "(\/build\/manifest-[A-Za-z0-9]+\.js)"/.exec(server)?.[1];
  if (!url) throw new Error("build/index.js names no assets manifest");
  const res = await visitor.fetchFile(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  const text = res.body.toString("utf8");
  return JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as RouteManifest;
}

/** The routes a request for `leaf` matches, root first. */
export function routeChain(manifest: RouteManifest, leaf: string): string[] {
  const chain: string[] = [];
  for (let id: string | undefined = leaf; id; id = manifest.routes[id]?.parentId) {
    if (!manifest.routes[id]) throw new Error(`the build has no route ${id}`);
    chain.unshift(id);
  }
  return chain;
}

/** What the manifest says a page of these routes loads: the entry, each route's module and their imports. */
export function manifestScripts(manifest: RouteManifest, routes: string[]): string[] {
  const listed = [manifest.entry.module, ...(manifest.entry.imports ?? [])];
  for (const id of routes) listed.push(manifest.routes[id]!.module, ...(manifest.routes[id]!.imports ?? []));
  return [...new Set(listed)];
}

/** The static imports a built module names, as absolute /build/ paths. */
export function staticImports(file: string, code: string): string[] {
  return [...code.matchAll(STATIC_IMPORT)].map((m) => new URL(m[1]!, `http://x${file}`).pathname).filter((p) => p.startsWith("/build/"));
}

/** The scripts a page's HTML makes the browser load, its matched route ids, and its inline scripts. */
export function readPage(html: string): { scripts: string[]; routes: string[]; inline: Buffer } {
  const named = [...html.matchAll(PRELOAD), ...html.matchAll(SCRIPT_SRC)].map((m) => m[1]!);
  for (const [, code] of html.matchAll(INLINE_MODULE)) named.push(...[...code!.matchAll(MODULE_IMPORT)].map((m) => m[1]!));
  const scripts = [...new Set(named.map((p) => new URL(p, "http://x/").pathname))];
  // Remix writes `window.__remixRouteModules = {"root":route0,"routes/book":route1,…}` in match order.
  const modules = /__remixRouteModules\s*=\s*\{([^}]*)\}/.exec(html)?.[1] ?? "";
  const routes = [...modules.matchAll(/"([^"]+)"\s*:/g)].map((m) => m[1]!);
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join("\n");
  return { scripts, routes, inline: Buffer.from(inline) };
}

class Sizes {
  private readonly known = new Map<string, { file: JsFile; imports: string[] }>();
  constructor(private readonly visitor: Visitor) {}

  private async one(file: string) {
    let entry = this.known.get(file);
    if (!entry) {
      const res = await this.visitor.fetchFile(file);
      if (res.status !== 200) throw new Error(`GET ${file} answered ${res.status}`);
      entry = { file: { path: file, bytes: res.body.length, gzipBytes: gzipSync(res.body, { level: 9 }).length }, imports: staticImports(file, res.body.toString("utf8")) };
      this.known.set(file, entry);
    }
    return entry;
  }

  /** `start` and everything it imports statically, each file once. */
  async closure(start: string[]): Promise<JsFile[]> {
    const seen = new Set(start);
    const queue = [...start];
    const files: JsFile[] = [];
    while (queue.length) {
      const { file, imports } = await this.one(queue.shift()!);
      files.push(file);
      for (const next of imports) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return files;
  }
}

const BOOK_KEYS = ["service", "location", "doctor", "day"] as const;
const bookStep = (params: URLSearchParams): StepName => (["service", "location", "doctor", "calendar", "times"] as const)[BOOK_KEYS.filter((k) => params.has(k)).length]!;
const decode = (href: string) => href.replace(/&amp;/g, "&");

/** The /book links of a page that add exactly one more choice to `current` (days before months). */
function deeperLinks(html: string, current: URLSearchParams): string[] {
  const links = [...html.matchAll(/href="(\/book\?[^"]*)"/g)].map((m) => decode(m[1]!));
  const depth = BOOK_KEYS.filter((k) => current.has(k)).length;
  return links.filter((href) => {
    const params = new URL(href, "http://x").searchParams;
    return BOOK_KEYS.filter((k) => params.has(k)).length === depth + 1 && BOOK_KEYS.every((k) => !current.has(k) || params.get(k) === current.get(k));
  });
}

function nextMonthLink(html: string): string | null {
  const m = /href="(\/book\?[^"]*)"[^>]*data-testid="next-month"/.exec(html);
  return m ? decode(m[1]!) : null;
}

/** The first time on a times page, as the form that holds it. */
function firstTimeForm(html: string): { action: string; start: string; practitioner: string } | null {
  for (const m of html.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const start = /name="start" value="([^"]+)"/.exec(m[2]!)?.[1];
    const practitioner = /name="practitioner" value="([^"]+)"/.exec(m[2]!)?.[1];
    if (start && practitioner) return { action: decode(m[1]!), start, practitioner };
  }
  return null;
}

/**
 * Walks the flow as a visitor who has not signed in: service, location, doctor, a day with free
 * times, a hold on its first time (a real 10-minute hold in the bench's database), the review that
 * asks to sign in, and the sign-in page. Returns the HTML of each step reached.
 */
async function walkSignedOut(visitor: Visitor): Promise<Map<StepName, { path: string; html: string }>> {
  const reached = new Map<StepName, { path: string; html: string }>();
  let budget = 24;
  const open = async (pathname: string, form?: Record<string, string>) => {
    if (budget-- <= 0) return null;
    const page = await visitor.open(pathname, form);
    return page.status === 200 ? { path: page.path, html: page.body.toString("utf8") } : null;
  };

  const signIn = await open("/sign-in");
  if (signIn) reached.set("sign-in: phone", signIn);

  let page = await open("/book");
  let days: string[] = [];
  while (page) {
    const params = new URL(page.path, "http://x").searchParams;
    const step = bookStep(params);
    if (step === "times") {
      if (!reached.has("times")) reached.set("times", page);
      const time = firstTimeForm(page.html);
      if (time) {
        const review = await open(time.action, { start: time.start, practitioner: time.practitioner });
        if (review?.path.startsWith("/book/review")) reached.set("review, signed out", review);
        break;
      }
      // A day whose times went meanwhile: the next day of the calendar.
      page = days.length ? await open(days.shift()!) : null;
      continue;
    }
    if (!reached.has(step)) reached.set(step, page);
    const deeper = deeperLinks(page.html, params);
    if (step === "calendar") {
      days = deeper.slice(1, 4);
      const next = deeper[0] ?? nextMonthLink(page.html);
      page = next ? await open(next) : null;
    } else {
      page = deeper[0] ? await open(deeper[0]) : null;
    }
  }
  return reached;
}

export async function bookingJs(opts: { root: string; port: number; host: string }): Promise<BookingJs> {
  const visitor = new Visitor(opts.port, opts.host);
  const manifest = await loadManifest(opts.root, visitor);
  const sizes = new Sizes(visitor);
  const reached = await walkSignedOut(visitor);
  const home = await visitor.open("/");

  const measureStep = async (step: string, leaf: string, page: { path: string; html: string } | null | undefined): Promise<StepJs> => {
    const routes = routeChain(manifest, leaf);
    const files = await sizes.closure(manifestScripts(manifest, routes));
    let html: StepJs["html"] = null;
    if (page) {
      const seen = readPage(page.html);
      if (seen.routes.join(">") !== routes.join(">")) {
        throw new Error(`${step} (${page.path}) matched ${seen.routes.join(" > ") || "no routes"}, not ${routes.join(" > ")} as counted`);
      }
      const counted = new Set(files.map((f) => f.path));
      const loaded = await sizes.closure(seen.scripts);
      const missed = loaded.filter((f) => !counted.has(f.path));
      if (missed.length) throw new Error(`the count for ${step} misses scripts its HTML (${page.path}) loads: ${missed.map((f) => f.path).join(", ")}`);
      html = { path: page.path, files: loaded.length, inlineScriptBytes: seen.inline.length, inlineScriptGzipBytes: gzipSync(seen.inline, { level: 9 }).length };
    }
    return { step, routes, files, bytes: files.reduce((a, f) => a + f.bytes, 0), gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0), html };
  };

  const steps: StepJs[] = [];
  for (const s of BOOKING_STEPS) steps.push(await measureStep(s.step, s.leaf, reached.get(s.step)));
  const homeJs = await measureStep(HOME.step, HOME.leaf, home.status === 200 ? { path: home.path, html: home.body.toString("utf8") } : null);
  const largest = steps.reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));
  return { steps, largest, home: homeJs };
}
