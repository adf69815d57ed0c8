/** Whether a client takes gzip (`gzip` or `*` in Accept-Encoding, without q=0). */
export function acceptsGzip(header: string | null | undefined): boolean {
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
