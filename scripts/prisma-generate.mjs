// Runs `prisma generate` without the native schema engine, which generate never executes
// but the CLI insists on locating (see docs/decisions/002-prisma-without-engine-download.md).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
if (result.status !== 0) process.exit(result.status ?? 1);

// The query compiler's WebAssembly comes as a 2.3 MB base64 string in a JavaScript module. Imported,
// that module stays loaded for the life of the process with its source and its string (4.5 MB of
// heap); read as text, decoded and let go, it costs nothing once compiled (docs/decisions/028).
const client = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "app", "generated", "prisma", "internal", "class.ts");
const generated = fs.readFileSync(client, "utf8");
const imported = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+_bg\.postgresql\.wasm-base64)\.mjs"\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
const match = imported.exec(generated);
if (!match) {
  process.stderr.write(`scripts/prisma-generate.mjs: the query compiler is no longer loaded as expected in ${client}; see docs/decisions/028-production-runtime.md\n`);
  process.exit(1);
}
const [, modulePath, indent] = match;
const readAsText = [
  `const { readFileSync } = await import("node:fs")`,
  `const { createRequire } = await import("node:module")`,
  `const text = readFileSync(createRequire(import.meta.url).resolve("${modulePath}.js"), "utf8")`,
  `return await decodeBase64AsWasm(/"([A-Za-z0-9+/=]+)"/.exec(text)![1]!)`,
].join(`\n${indent}`);
fs.writeFileSync(client, generated.replace(imported, readAsText));
