/**
 * `npm run -s cli -- <command>`: operations on any Medslot database. See scripts/lib/cli.ts for how
 * commands are declared; each lives in scripts/lib/commands/.
 */
import { ignoreBrokenPipe, runCli, type CliCommand } from "./lib/cli";
import { tenantImportCommand } from "./lib/commands/tenant-import";

ignoreBrokenPipe();

const commands: CliCommand[] = [tenantImportCommand];

const code = await runCli(process.argv.slice(2), commands, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exit(code);
