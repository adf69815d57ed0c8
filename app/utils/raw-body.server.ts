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
