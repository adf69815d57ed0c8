/**
 * Runs before `npm start` and the operator scripts (`prestart`, `precli`, ...): builds the app when
 * the build is missing or older than its sources, so `npm install && npm start` works on a fresh
 * clone and the served process is always compiled JavaScript. Plain JavaScript on purpose: it runs
 * before anything is compiled.
 *
 * It writes only to stderr: `KEY=$(npm run -s cli -- api-key create ...)` must capture the key alone.
 * Several processes starting together (tests, two terminals) build once: the first takes a lock
 * file, the others wait for it and then find the build fresh.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, entries, root } from "./build-server.mjs";

const LOCK_WAIT_MS = 10 * 60_000;
const say = (line) => process.stderr.write(`${line}\n`);

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** The oldest of `outputs`, or 0 when one is missing. */
function oldestOutput(outputs) {
  let oldest = Infinity;
  for (const output of outputs) {
    if (!fs.existsSync(output)) return 0;
    oldest = Math.min(oldest, fs.statSync(output).mtimeMs);
  }
  return oldest;
}

const inRoot = (...names) => names.map((name) => path.join(root, name));

/** The mode the Remix server build on disk was made in ("production", "development", "test"). */
export function remixBuildMode() {
  const file = path.join(root, "build/index.js");
  if (!fs.existsSync(file)) return undefined;
  return /\bmode = "(\w+)"/.exec(fs.readFileSync(file, "utf8"))?.[1];
}

/** What needs building: the Remix app (build/index.js, public/build) and/or the compiled server and scripts. */
export function staleParts() {
  const shared = newestMtime(path.join(root, "app"));
  const config = Math.max(...inRoot("package.json", "tsconfig.json").map(newestMtime));
  const remixSources = Math.max(shared, config, ...inRoot("remix.config.js", "tailwind.config.ts", "postcss.config.js", "postcss.config.mjs").map(newestMtime));
  const serverSources = Math.max(shared, config, ...inRoot("server.ts", "scripts").map(newestMtime));
  return {
    // public/build is only checked for presence: its folder's time does not move when a build rewrites the same file names.
    // A development or test build (made by `remix build` under such a NODE_ENV) renders nothing
    // under NODE_ENV=production: it counts as stale.
    remix: !fs.existsSync(path.join(root, "public/build")) || oldestOutput(inRoot("build/index.js")) < remixSources || remixBuildMode() !== "production",
    server: oldestOutput(Object.keys(entries).map((name) => path.join(root, "build", `${name}.js`))) < serverSources,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Holds build/.build.lock while `work` runs; waits for another live holder, takes over a dead one's. */
async function withBuildLock(work) {
  const lock = path.join(root, "build", ".build.lock");
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let waitingSaid = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lock, "utf8").trim());
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${holder}) has held ${lock} for ${LOCK_WAIT_MS / 60_000} minutes; stop it or delete the file`);
      if (!waitingSaid) say(`[info] waiting for the build already running (pid ${holder})`);
      waitingSaid = true;
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Builds what is stale; returns what was built. Throws when a build step fails. */
export async function buildIfNeeded() {
  if (!Object.values(staleParts()).some(Boolean)) return { remix: false, server: false };
  return withBuildLock(async () => {
    // Re-checked under the lock: whoever held it before may have just built everything.
    const stale = staleParts();
    if (stale.remix) {
      say("[info] building the app (first start or sources changed)");
      const remixCli = createRequire(import.meta.url).resolve("@remix-run/dev/dist/cli.js");
      // Always a production build, whatever NODE_ENV the caller runs in (tests run in "test"): one
      // build on disk serves every mode. Remix's progress goes to stderr, so stdout stays the command's own.
      const result = spawnSync(process.execPath, [remixCli, "build"], { cwd: root, stdio: ["ignore", 2, 2], env: { ...process.env, NODE_ENV: "production" } });
      if (result.status !== 0) throw new Error("the Remix build failed (see above)");
    }
    if (stale.server || stale.remix) await buildServer({ quiet: true });
    return stale;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildIfNeeded();
  } catch (error) {
    say(`\nThe build failed: ${error instanceof Error ? error.message : String(error)}\nFix the error above, then run the command again (or \`npm run build\` to see the whole build).\n`);
    process.exit(1);
  }
}
