/**
 * `npm run db:migrate`: applies prisma/migrations with MIGRATE_DATABASE_URL (the owner role) and
 * grants the runtime role from DATABASE_URL what it needs. Without DATABASE_URL, migrates the
 * embedded PostgreSQL under .data/ (the running one, or starts it for the purpose).
 */
import { errorMessage, ignoreBrokenPipe } from "./lib/cli";
import { withDatabase } from "./lib/database";

ignoreBrokenPipe();

try {
  await withDatabase({ migrate: true, log: (m) => process.stdout.write(`${m}\n`) }, async (target) => {
    const { applied, alreadyApplied } = target.migration!;
    const role = decodeURIComponent(new URL(target.runtimeUrl).username);
    const lines = [
      `Migrated ${target.description}:`,
      ...applied.map((name) => `  applied          ${name}`),
      ...alreadyApplied.map((name) => `  already applied  ${name}`),
      applied.length ? `${applied.length} applied, ${alreadyApplied.length} already applied.` : `Nothing to apply (${alreadyApplied.length} already applied).`,
      `Runtime role "${role}" granted access (it owns nothing and cannot bypass row-level security).`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
  process.exit(0);
} catch (error) {
  process.stderr.write(`Error: ${errorMessage(error)}\n`);
  process.exit(1);
}
