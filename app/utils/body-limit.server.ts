/**
 * How many bytes a request body may hold, by path, and what the client hears when it sends more.
 *
 * The HTTP app (app/server/http-app.server.ts) applies this to every request where it enters,
 * before any route runs: a declared Content-Length over the limit is refused without reading a
 * byte, and a body without one (chunked) is counted as it arrives and cut off the moment it
 * passes the limit. Form parsing, JSON, the webhooks and the Inngest SDK behind it never buffer
 * more than this. The answer is 413: a problem document (RFC 9457) for the API, webhooks, JSON
 * bodies and clients that ask for JSON, Remix's own error encoding for a page's enhanced form
 * post, and a small HTML page otherwise. README ("Limits") and the OpenAPI document quote this table.
 */
import type { Readable } from "node:stream";
import { MAX_DOCTOR_PHOTO_BYTES, MAX_DOCUMENT_BYTES, MAX_UPLOADED_LOGO_BYTES } from "./upload-limits";
import { problem, problemType } from "./problem.server";

const KB = 1024;
const MB = 1024 * KB;

export interface BodyLimit {
  /** Lower-case path prefix, matched whole or at a "/" ("" is the default for every other path). */
  prefix: string;
  bytes: number;
  /** One sentence for the person or program that sent too much. */
  rule: string;
}

/** Multipart boundaries, part headers and the small fields sent next to an uploaded file. */
export const MULTIPART_OVERHEAD_BYTES = 64 * KB;

/** Every other path: an HTML form (urlencoded or multipart without a file) or a JSON body. */
export const DEFAULT_BODY_LIMIT: BodyLimit = { prefix: "", bytes: 64 * KB, rule: "A form may send at most 64 KB." };

export const BODY_LIMITS: readonly BodyLimit[] = [
  // Uploads: the documented file size plus the multipart envelope around it.
  { prefix: "/panel/documents", bytes: MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES, rule: "A clinic document may be at most 5 MB." },
  { prefix: "/panel/clinic", bytes: MAX_UPLOADED_LOGO_BYTES + MULTIPART_OVERHEAD_BYTES, rule: "A logo may be at most 1 MB." },
  // A doctor's photo: on their own profile, or the owner's staff page.
  { prefix: "/panel/profile", bytes: MAX_DOCTOR_PHOTO_BYTES + MULTIPART_OVERHEAD_BYTES, rule: "A photo may be at most 1 MB." },
  { prefix: "/panel/staff", bytes: MAX_DOCTOR_PHOTO_BYTES + MULTIPART_OVERHEAD_BYTES, rule: "A photo may be at most 1 MB." },
  // A chart note holds 20,000 characters; a browser sends a non-Latin character as up to nine
  // bytes ("%XX" for each of its three UTF-8 bytes), so the longest note needs about 180 KB.
  { prefix: "/panel/patients", bytes: 256 * KB, rule: "A note may hold at most 20,000 characters." },
  { prefix: "/api/v1", bytes: 64 * KB, rule: "An API request body may be at most 64 KB." },
  // Stripe sends one event holding one object (lists inside it are paginated): a few KB.
  { prefix: "/api/payments/webhook", bytes: 256 * KB, rule: "A webhook event may be at most 256 KB." },
  // Twilio's status callback is a dozen form fields.
  { prefix: "/api/messages/status", bytes: 64 * KB, rule: "A status callback may be at most 64 KB." },
  // Inngest's executor sends an app at most 4 MB (its MaxSDKRequestBodySize); a larger run state
  // is fetched by the SDK through Inngest's API instead (use_api), and a step's output is capped
  // at 4 MB (docs: Usage Limits).
  { prefix: "/api/inngest", bytes: 4 * MB, rule: "An Inngest request may be at most 4 MB." },
];

/**
 * The limit for a URL path as the router sees it (dot segments resolved, e.g. by `new URL`).
 * Remix's enhanced form posts go to the page's path plus ".data". Any other spelling of a path
 * falls to the default, which is the smallest limit, so it can never buy a larger one.
 */
export function bodyLimitFor(pathname: string): BodyLimit {
  let path = pathname.toLowerCase();
  if (path.endsWith(".data")) path = path.slice(0, -".data".length);
  return BODY_LIMITS.find((limit) => path === limit.prefix || path.startsWith(`${limit.prefix}/`)) ?? DEFAULT_BODY_LIMIT;
}

const TOO_LARGE = Symbol.for("medslot.body-too-large");

export class BodyTooLargeError extends Error {
  readonly [TOO_LARGE] = true;
  constructor(readonly limit: number) {
    super(`The request body is larger than ${formatBytes(limit)}.`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Whether a body read failed on the limit. Not `instanceof`: the server's own modules and the
 * Remix build each have a copy of this class, and the error crosses from one to the other.
 */
export function isBodyTooLarge(error: unknown): error is BodyTooLargeError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[TOO_LARGE] === true;
}

/** "64 KB", "5.06 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < MB) return `${Math.round((bytes / KB) * 10) / 10} KB`;
  return `${Math.round((bytes / MB) * 100) / 100} MB`;
}

/** True when the headers already promise more than `limit` bytes. */
export function declaresMoreThan(contentLength: string | null | undefined, limit: number): boolean {
  const declared = Number(contentLength ?? "");
  return Number.isFinite(declared) && declared > limit;
}

/**
 * A Node request body as a web stream that counts the bytes as they arrive. Past `limit` it stops
 * reading (the socket is paused, not destroyed, so the 413 can still be sent), errors the stream
 * with BodyTooLargeError and calls `onTooLarge`.
 */
export function limitedBody(source: Readable, limit: number, onTooLarge: (error: BodyTooLargeError) => void): ReadableStream<Uint8Array> {
  let received = 0;
  let detach = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          received += chunk.byteLength;
          if (received > limit) {
            detach();
            source.pause();
            const error = new BodyTooLargeError(limit);
            controller.error(error);
            onTooLarge(error);
            return;
          }
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        };
        const onEnd = () => {
          detach();
          controller.close();
        };
        const onError = (error: Error) => {
          detach();
          controller.error(error);
        };
        // "close" before "end": the client went away in the middle of the body.
        const onClose = () => onError(new Error("The client closed the connection before the body was complete."));
        detach = () => {
          source.off("data", onData);
          source.off("end", onEnd);
          source.off("error", onError);
          source.off("close", onClose);
        };
        source.on("data", onData);
        source.once("end", onEnd);
        source.once("error", onError);
        source.once("close", onClose);
      },
      pull() {
        source.resume();
      },
      cancel() {
        // The reader gave up; the rest of the body is not read (the connection closes after the answer).
        detach();
        source.pause();
      },
    },
    { highWaterMark: 64 * KB, size: (chunk) => chunk.byteLength },
  );
}

/** A Fetch request's body, refused past `limit` bytes whether it says so up front or not. */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array> {
  if (declaresMoreThan(request.headers.get("content-length"), limit)) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export interface RefusedRequest {
  /** The URL path as routed (see bodyLimitFor). */
  pathname: string;
  accept: string | null;
  contentType: string | null;
}

const isJson = (mediaType: string) => mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);

/** A problem document for machines: the API, webhooks, JSON bodies, and clients that ask for JSON rather than a page. */
export function wantsProblem({ pathname, accept, contentType }: RefusedRequest): boolean {
  if (pathname.toLowerCase().startsWith("/api/")) return true;
  if (isJson((contentType ?? "").split(";")[0]!.trim().toLowerCase())) return true;
  const accepted = (accept ?? "").toLowerCase().split(",").map((part) => part.split(";")[0]!.trim());
  return accepted.some(isJson) && !accepted.includes("text/html");
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The 413 answer for a request whose body passed `limit`. */
export function bodyTooLargeResponse(request: RefusedRequest, limit: BodyLimit): Response {
  const headers = { "Cache-Control": "no-store" };
  if (request.pathname.endsWith(".data")) {
    // A page's enhanced form post (Remix single fetch) decodes its answer with turbo-stream; this
    // is how Remix itself encodes an action's thrown 413, so the page shows its error boundary.
    const body = `${JSON.stringify([{ _1: 2 }, "error", ["ErrorResponse", 3, 4, 5], limit.rule, 413, "Payload Too Large"])}\n`;
    return new Response(body, { status: 413, headers: { ...headers, "Content-Type": "text/x-script", "X-Remix-Response": "yes" } });
  }
  if (wantsProblem(request)) {
    return problem({ status: 413, type: problemType("payload-too-large"), title: "Request body too large", detail: `The body may be at most ${formatBytes(limit.bytes)}.`, extensions: { maxBytes: limit.bytes }, headers });
  }
  // Back to the page itself; a path starting "//" would otherwise name another site.
  const back = escapeHtml(`/${request.pathname.replace(/^\/+/, "")}`);
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too large to send</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; color: #0f172a">
<main>
<h1 style="font-size: 1.5rem">The form was too large to send</h1>
<p>${escapeHtml(limit.rule)} What you sent was larger, so nothing was saved.</p>
<p><a href="${back}">Go back to the form</a> and send less (a smaller file, or shorter text).</p>
</main>
</body>
</html>
`;
  return new Response(page, { status: 413, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}
