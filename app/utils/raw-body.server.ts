/**
 * The bytes behind a Response this app made from a buffer it already holds (a kept slot answer):
 * the HTTP layer writes them to the socket at once instead of reading them back through a web
 * stream. Kept on the global object, since the compiled server and the Remix build each bundle
 * this module.
 */
const KEY = Symbol.for("medslot.raw-bodies");
const holder = globalThis as { [KEY]?: WeakMap<Response, Uint8Array> };
const bodies = (holder[KEY] ??= new WeakMap());

/** A Response whose body is `bytes`, remembered so the server can send them directly. */
export function responseFromBytes(bytes: Uint8Array, init: ResponseInit): Response {
  const response = new Response(bytes.byteLength ? (bytes as Uint8Array<ArrayBuffer>) : null, init);
  bodies.set(response, bytes);
  return response;
}

/** The bytes of a Response made by responseFromBytes whose body nobody has read. */
export function rawBodyOf(response: Response): Uint8Array | undefined {
  return response.bodyUsed ? undefined : bodies.get(response);
}

/** Marks a request whose answer is written straight to the socket by this app's own HTTP layer. */
const BYTES_WELCOME = Symbol.for("medslot.bytes-welcome");

/** Marks `request` (the direct API routes' plain request) as one whose answer may be bytes alone. */
export function welcomeBytes<T extends object>(request: T): T {
  (request as { [BYTES_WELCOME]?: true })[BYTES_WELCOME] = true;
  return request;
}

/**
 * An answer of `bytes`: for a request marked by welcomeBytes, a plain object with the Response's
 * status and headers whose bytes the HTTP layer writes (making a Fetch Response wraps them in a web
 * stream nobody reads, a few percent of a cached slot answer's cost); otherwise a real Response.
 */
export function answerFromBytes(request: Request, bytes: Uint8Array, init: { status: number; headers: Headers }): Response {
  if (!(request as { [BYTES_WELCOME]?: true })[BYTES_WELCOME]) return responseFromBytes(bytes, init);
  const answer = { status: init.status, statusText: "", ok: init.status >= 200 && init.status < 300, headers: init.headers, body: null, bodyUsed: false } as unknown as Response;
  bodies.set(answer, bytes);
  return answer;
}
