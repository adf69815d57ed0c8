/**
 * An uploaded image served from the clinic's own host (the clinic's logo, a doctor's photo). A
 * versioned URL (?v= the image's update time) is cached for a year because a new image gets a new
 * version; an unversioned or stale one is revalidated. The marketplace shows these images from the
 * clinic's host, hence the cross-site resource policy.
 */
export function versionedImageResponse(request: Request, image: { bytes: Uint8Array; contentType: string; version: number }, etagName: string, extraHeaders: Record<string, string> = {}): Response {
  const etag = `"${etagName}-${image.version}"`;
  const requested = new URL(request.url).searchParams.get("v");
  const headers = new Headers({
    "Content-Type": image.contentType,
    "X-Content-Type-Options": "nosniff",
    ETag: etag,
    "Cache-Control": requested === String(image.version) ? "public, max-age=31536000, immutable" : "public, max-age=300, must-revalidate",
    "Cross-Origin-Resource-Policy": "cross-site",
    ...extraHeaders,
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(image.bytes), { status: 200, headers });
}
