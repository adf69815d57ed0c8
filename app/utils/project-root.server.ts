import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The project folder (the one holding package.json, tenants/, prisma/ and public/), found from this
 * module's own location so it is the same whether the code runs from its TypeScript source or from
 * a bundle under build/.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${path.dirname(fileURLToPath(import.meta.url))}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
