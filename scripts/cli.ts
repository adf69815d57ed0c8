/**
 * `npm run -s cli -- <command>`: operations on any Medslot database. See scripts/lib/cli.ts for how
 * commands are declared; each lives in scripts/lib/commands/, or below when it is a thin wrapper.
 */
import { createApiKey, findClinicBySlug, listApiKeys, revokeApiKey } from "../app/modules/api/api-keys.server";
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

const apiKeyCreateCommand: CliCommand = {
  words: ["api-key", "create"],
  args: "--clinic <slug> --name <label>",
  summary: "Create an API key for a clinic and print it (only the key, on stdout; it is shown once)",
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" }, name: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const name = required(values.name, "name");
    const key = await withAppDb(async (db) => {
      const clinic = await findClinicBySlug(db, slug);
      return (await createApiKey(db, clinic.id, name, "cli")).key;
    });
    output.out(key);
  },
};

const apiKeyListCommand: CliCommand = {
  words: ["api-key", "list"],
  args: "--clinic <slug>",
  summary: "List a clinic's API keys (id, prefix, name, created, last used, revoked); never the keys themselves",
  async run(args, output) {
    const { values } = parseCommandArgs(args, { clinic: { type: "string" } }, []);
    const slug = required(values.clinic, "clinic");
    const keys = await withAppDb(async (db) => listApiKeys(db, (await findClinicBySlug(db, slug)).id));
    if (keys.length === 0) {
      output.err(`The clinic "${slug}" has no API keys yet.`);
      return;
    }
    const at = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");
    const rows = [
      ["ID", "PREFIX", "NAME", "CREATED", "LAST USED", "REVOKED"],
      ...keys.map((k) => [k.id, `${k.prefix}…`, k.name, at(k.createdAt), at(k.lastUsedAt), at(k.revokedAt)]),
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
    const key = await withAppDb(async (db) => revokeApiKey(db, (await findClinicBySlug(db, slug)).id, id.trim(), "cli"));
    output.out(`Revoked API key ${key.id} (${key.name}, ${key.prefix}…) of ${slug}.`);
  },
};

const commands: CliCommand[] = [tenantImportCommand, apiKeyCreateCommand, apiKeyListCommand, apiKeyRevokeCommand];

const code = await runCli(process.argv.slice(2), commands, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exit(code);
