/**
 * A small command dispatcher for `npm run -s cli -- <command> ...`. Each command is an entry in a
 * list (its words, its arguments, one line of help, and a run function), so adding one — say
 * `api-key create --clinic <slug> --name <label>` — is adding an entry, not editing the parser.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { TenantDefinitionError } from "../../app/modules/tenancy/tenant-schema";
import { TenantImportError } from "../../app/modules/tenancy/tenant-import.server";
import { EmbeddedPostgresError } from "../../app/utils/embedded-postgres.server";
import { describeDatabaseError, ScriptError } from "./database";

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  /** The words that name the command: ["tenant", "import"]. */
  words: string[];
  /** Argument synopsis for the usage text: "<folder>". */
  args: string;
  summary: string;
  run(args: string[], output: CliOutput): Promise<void>;
}

/** Wrong or missing arguments: the dispatcher prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function usageText(commands: CliCommand[]) {
  const lines = commands.map((c) => [`${c.words.join(" ")} ${c.args}`.trim(), c.summary] as const);
  const width = Math.max(...lines.map(([synopsis]) => synopsis.length));
  return [
    "Usage: npm run -s cli -- <command> [arguments]",
    "",
    "Commands:",
    ...lines.map(([synopsis, summary]) => `  ${synopsis.padEnd(width)}  ${summary}`),
    "",
    "The database is DATABASE_URL when set, otherwise the embedded PostgreSQL under .data/",
    "(the running one from npm start, or started for the command and stopped after).",
  ].join("\n");
}

/** node:util parseArgs, with its errors turned into usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig["options"]>(args: string[], options: T, positionals: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(
      parsed.positionals.length < positionals.length
        ? `missing ${positionals.slice(parsed.positionals.length).map((p) => `<${p}>`).join(" ")}`
        : `unexpected argument "${parsed.positionals[positionals.length]}"`,
    );
  }
  return parsed;
}

function findCommand(argv: string[], commands: CliCommand[]) {
  // The longest match wins, so "tenant import" and a future "tenant" can live side by side.
  const matches = commands.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length);
  return matches[0];
}

/** Runs one command line; returns the process exit code. Never throws. */
export async function runCli(argv: string[], commands: CliCommand[], output: CliOutput): Promise<number> {
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
    (argv.length === 0 ? output.err : output.out)(usageText(commands));
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  const command = findCommand(argv, commands);
  if (!command) {
    output.err(`Unknown command: ${argv.join(" ")}\n\n${usageText(commands)}`);
    return EXIT_USAGE;
  }
  const args = argv.slice(command.words.length);
  if (args.includes("--help") || args.includes("-h")) {
    output.out(`Usage: npm run -s cli -- ${command.words.join(" ")} ${command.args}\n\n${command.summary}`);
    return EXIT_OK;
  }
  try {
    await command.run(args, output);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${command.words.join(" ")}: ${error.message}\nUsage: npm run -s cli -- ${command.words.join(" ")} ${command.args}`);
      return EXIT_USAGE;
    }
    output.err(`Error: ${errorMessage(error)}`);
    return EXIT_FAILED;
  }
}

/** `... | head` closes the pipe early; that is not an error worth a stack trace. */
export function ignoreBrokenPipe() {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}

/** The message a person needs, without the stack trace (set DEBUG=1 to see it). */
export function errorMessage(error: unknown): string {
  if (error instanceof TenantDefinitionError || error instanceof TenantImportError || error instanceof ScriptError || error instanceof EmbeddedPostgresError) return error.message;
  const known = describeDatabaseError(error);
  if (known) return known;
  const message = error instanceof Error ? error.message : String(error);
  return process.env.DEBUG && error instanceof Error && error.stack ? error.stack : message;
}
