/**
 * `npm run -s cli -- <command>`: operations on any Medslot database. See scripts/lib/cli.ts for how
 * commands are declared; each lives in scripts/lib/commands/, or below when it is a thin wrapper.
 */
import {
  createApiKey,
  DEFAULT_KEY_RATE_PER_SECOND,
  findClinicBySlug,
  listApiKeys,
  MAX_KEY_RATE_PER_SECOND,
  revokeApiKey,
  setApiKeyRateLimit,
} from "../app/modules/api/api-keys.server";
import { createDb, type Db } from "../app/utils/db.server";
import { ignoreBrokenPipe, parseCommandArgs, runCli, UsageError, type CliCommand } from "./lib/cli";
import { describeDatabaseError, ScriptError, withDatabase } from "./lib/database";
import { tenantImportCommand } from "./lib/commands/tenant-import";

ignoreBrokenPipe();

/** Runs `work` with the app's client (runtime role, so RLS applies) on the environment's database. */
function withAppDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  return withDatabase({ migrate: false }, async (target) => {
    const db = createDb(target.runtimeUrl, { poolSize: 2 });
    try {
      return await work(db);
    } catch (error) {
      const known = describeDatabaseError(error, target);
      throw known ? new ScriptError(known) : error;
    } finally {
      await db.disconnect();
    }
  });
}

function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || !value.trim()) throw new UsageError(`missing --${flag}`);
  return value;
}

/** "--rate 500", "--rate 500/s" or (where allowed) "--rate default": requests a second, or null for the default. */
function parseRate(value: string | boolean | undefined, allowDefault: boolean): number | null {
  if (value === undefined) return null;
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (allowDefault && text === "default") return null;
  const match = /^(\d+)(?:\/s)?$/.exec(text);
  const rate = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_KEY_RATE_PER_SECOND) {
    throw new UsageError(`--rate is requests a second, 1 to ${MAX_KEY_RATE_PER_SECOND}, e.g. --rate 200/s${allowDefault ? ', or "default"' : ""}`);
  }
  return rate;
}

const rateText = (rate: number | null) => (rate === null ? `default (${DEFAULT_KEY_RATE_PER_SECOND}/s)` : `${rate}/s`);

const apiKeyCreateCommand: CliCommand = {
  words: ["api-key", "create"],
  args: "--clinic <slug> --name <label> [--rate <n/s>]",
  summary: `Create an API key for a clinic and print it (only the key, on stdout; it is shown once). --rate gives a high-volume integration more than the default ${DEFAULT_KEY_RATE_PER_SECOND} requests a second (bursts are twice the rate)`,
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" }, name: { type: "string" }, rate: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const name = required(values.name, "name");
    const rateLimitPerSecond = parseRate(values.rate, false);
    const key = await withAppDb(async (db) => {
      const clinic = await findClinicBySlug(db, slug);
      return (await createApiKey(db.forClinic(clinic.id), name, "cli", { rateLimitPerSecond })).key;
    });
    output.out(key);
  },
};

const apiKeyListCommand: CliCommand = {
  words: ["api-key", "list"],
  args: "--clinic <slug>",
  summary: "List a clinic's API keys (id, prefix, name, rate limit, created, last used, revoked); never the keys themselves",
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const keys = await withAppDb(async (db) => listApiKeys(db.forClinic((await findClinicBySlug(db, slug)).id)));
    if (keys.length === 0) {
      output.err(`The clinic "${slug}" has no API keys yet.`);
      return;
    }
    const at = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");
    const rows = [
      ["ID", "PREFIX", "NAME", "RATE LIMIT", "CREATED", "LAST USED", "REVOKED"],
      ...keys.map((k) => [k.id, `${k.prefix}…`, k.name, rateText(k.rateLimitPerSecond), at(k.createdAt), at(k.lastUsedAt), at(k.revokedAt)]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      output.out(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
  },
};

const apiKeyRevokeCommand: CliCommand = {
  words: ["api-key", "revoke"],
  args: "--clinic <slug> --id <id>",
  summary: "Revoke an API key at once (see api-key list for ids)",
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" }, id: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const id = required(values.id, "id");
    const key = await withAppDb(async (db) => revokeApiKey(db.forClinic((await findClinicBySlug(db, slug)).id), id.trim(), "cli"));
    output.out(`Revoked API key ${key.id} (${key.name}, ${key.prefix}…) of ${slug}.`);
  },
};

const apiKeySetRateCommand: CliCommand = {
  words: ["api-key", "set-rate"],
  args: "--clinic <slug> --id <id> --rate <n/s|default>",
  summary: "Change a key's rate limit (applies on every server within seconds); default puts it back on the platform default",
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" }, id: { type: "string" }, rate: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const id = required(values.id, "id");
    const rate = parseRate(required(values.rate, "rate"), true);
    const key = await withAppDb(async (db) => setApiKeyRateLimit(db.forClinic((await findClinicBySlug(db, slug)).id), id.trim(), rate, "cli"));
    output.out(`API key ${key.id} (${key.name}, ${key.prefix}…) of ${slug} now has the rate limit ${rateText(key.rateLimitPerSecond)}.`);
  },
};

const commands: CliCommand[] = [tenantImportCommand, apiKeyCreateCommand, apiKeyListCommand, apiKeySetRateCommand, apiKeyRevokeCommand];

const code = await runCli(process.argv.slice(2), commands, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exit(code);
