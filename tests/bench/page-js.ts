/**
 * The JavaScript a page makes the browser download before it is interactive: every /build/ script
 * the HTML names, plus the chunks those import statically (dynamic imports load later, on demand).
 */
import { gzipSync } from "node:zlib";
import { fetchBody, type Target } from "./load";

export interface PageJs {
  files: { path: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

// `from"./chunk-X.js"` and `import"./x.js"` are static; `import("./x.js")` has a parenthesis and is not.
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g;
const BUILD_SCRIPT = /["'](\/build\/[^"']+\.js)["']/g;

export async function pageJs(page: Target): Promise<PageJs> {
  const html = await fetchBody(page);
  if (html.status !== 200) throw new Error(`GET ${page.path} on ${page.host} answered ${html.status}`);
  // Module preloads, script src and the inline module script's imports all name /build/ paths.
  const queue = [...new Set([...html.body.toString("utf8").matchAll(BUILD_SCRIPT)].map((m) => m[1]!))];
  const seen = new Set(queue);
  const files: PageJs["files"] = [];
  while (queue.length) {
    const file = queue.shift()!;
    const res = await fetchBody({ ...page, path: file });
    if (res.status !== 200) throw new Error(`GET ${file} answered ${res.status}`);
    files.push({ path: file, bytes: res.body.length, gzipBytes: gzipSync(res.body, { level: 9 }).length });
    for (const m of res.body.toString("utf8").matchAll(STATIC_IMPORT)) {
      const next = new URL(m[1]!, `http://x${file}`).pathname;
      if (next.startsWith("/build/") && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return {
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0),
  };
}
