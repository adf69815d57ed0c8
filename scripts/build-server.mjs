/**
 * Compiles what runs in production besides the Remix build: `server.ts` and the operator scripts,
 * each bundled with our own code into one ESM file under build/ (with a source map), so that
 * production runs plain `node` and never a TypeScript loader. Packages in node_modules stay
 * external: they are loaded from node_modules as they are, like the Remix server build does.
 *
 *   build/server.js      npm start
 *   build/cli.js         npm run cli
 *   build/db-migrate.js  npm run db:migrate
 *   build/db-seed.js     npm run db:seed
 *
 * The Remix server build (build/index.js) is not part of these bundles: server.ts imports it at
 * run time.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Entry point (relative to the project) → output name in build/. */
export const entries = {
  server: "server.ts",
  cli: "scripts/cli.ts",
  "db-migrate": "scripts/db-migrate.ts",
  "db-seed": "scripts/db-seed.ts",
};

/** Any import that is not a relative or absolute path, nor our "~/" alias, is a package. */
const packagesExternal = {
  name: "packages-external",
  setup(build) {
    build.onResolve({ filter: /^[^./~]|^~[^/]/ }, (args) => ({ path: args.path, external: true }));
  },
};

export async function buildServer({ quiet = false } = {}) {
  // esbuild comes with the Remix compiler; use the copy it depends on rather than a hoisting accident.
  const requireFromRemix = createRequire(createRequire(import.meta.url).resolve("@remix-run/dev/package.json"));
  const esbuild = requireFromRemix("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(root, file)])),
    outdir: path.join(root, "build"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    // Packages keep their own names and CommonJS/ESM format; node resolves them from node_modules.
    plugins: [packagesExternal],
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: quiet ? "error" : "warning",
  });
  if (result.errors.length) throw new Error("compiling the server failed");
  const remixBuild = path.join(root, "build", "index.js");
  if (fs.existsSync(remixBuild)) asciiOnly(remixBuild);
}

/**
 * Rewrites a script with every character beyond ASCII as a \u escape. V8 keeps a script's source
 * for the life of the process, and one character beyond Latin-1 (an arrow in a comment, a dash in
 * a regular expression) stores the whole of it at two bytes a character: 4 MB instead of 2 for the
 * Remix build. The escape means the same in strings, templates, regular expressions and comments.
 */
export function asciiOnly(file) {
  const text = fs.readFileSync(file, "utf8");
  const escaped = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (escaped !== text) fs.writeFileSync(file, escaped);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    await buildServer();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stderr.write(`[info] compiled ${Object.values(entries).join(", ")} into build/ (${Date.now() - started} ms)\n`);
}
