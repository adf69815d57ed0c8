import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { log } from "./log.server";

/**
 * For the local demo: starts Inngest's dev server (`npx inngest-cli dev`) next to the app, pointed
 * at /api/inngest, so deposits, reminders and the other workflows run. The CLI is fetched by npx
 * on first use and downloads a binary, which needs the internet; when that fails, or Inngest Cloud
 * keys are set, or one already listens on 8288, the app carries on and says so in one line: events
 * wait in the outbox and are delivered once a dev server (or Inngest Cloud) is reachable.
 */
export interface InngestDevServer {
  stop(): void;
}

const DEV_PORT = 8288;

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startInngestDevServer(opts: { appPort: number; enabled: boolean }): Promise<InngestDevServer> {
  const none = { stop() {} };
  if (!opts.enabled) return none;
  if (await portInUse(DEV_PORT)) {
    log.info("an Inngest dev server already runs on port 8288; workflows go there", { url: `http://localhost:${DEV_PORT}` });
    return none;
  }
  let child: ChildProcess;
  try {
    child = spawn("npx", ["--yes", "inngest-cli@latest", "dev", "--no-discovery", "-u", `http://localhost:${opts.appPort}/api/inngest`, "--port", String(DEV_PORT)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DO_NOT_TRACK: "1" },
    });
  } catch (error) {
    cannotStart((error as Error).message);
    return none;
  }
  let started = false;
  const tail: string[] = [];
  const watch = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    tail.push(text);
    if (tail.length > 20) tail.shift();
    if (!started && /localhost:8288|Inngest dev server online|listening/i.test(text)) {
      started = true;
      log.info("Inngest dev server started: workflows run locally", { ui: `http://localhost:${DEV_PORT}` });
    }
  };
  child.stdout?.on("data", watch);
  child.stderr?.on("data", watch);
  child.once("error", (error) => cannotStart(error.message));
  child.once("exit", (code) => {
    if (!started) cannotStart(`exited with code ${code ?? "?"}${lastLine(tail)}`);
    else log.warn("the Inngest dev server stopped; events wait in the outbox", { code });
  });
  return {
    stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

function lastLine(tail: string[]): string {
  const line = tail.join("").trim().split("\n").filter(Boolean).pop();
  return line ? `: ${line.slice(0, 200)}` : "";
}

function cannotStart(why: string) {
  log.warn(
    "the Inngest dev server could not be started (it needs the internet the first time); the app works without it, and workflow events wait in the outbox until Inngest is reachable",
    { reason: why, tryYourself: "npx inngest-cli dev -u http://localhost:PORT/api/inngest" },
  );
}
