import path from "node:path";
import { importTenantFolder, readTenantFolder } from "../../../app/modules/tenancy/tenant-import.server";
import { createDb } from "../../../app/utils/db.server";
import { parseCommandArgs, type CliCommand } from "../cli";
import { describeDatabaseError, ScriptError, withDatabase } from "../database";

export const tenantImportCommand: CliCommand = {
  words: ["tenant", "import"],
  args: "<folder>",
  summary: "Create or update the clinic described by <folder>/tenant.json and its logo",
  async run(args, output) {
    const { positionals } = parseCommandArgs(args, {}, ["folder"]);
    const folder = path.resolve(positionals[0]!);
    // Validate before touching any database, so a typo fails fast.
    await readTenantFolder(folder);
    await withDatabase({ migrate: false }, async (target) => {
      const db = createDb(target.runtimeUrl, { poolSize: 2 });
      try {
        const result = await importTenantFolder(db, folder);
        const removed = [
          ...result.removed.locations.map((k) => `location ${k}`),
          ...result.removed.domains.map((d) => `domain ${d}`),
          ...result.removed.roles.map((r) => `${r.role} role of ${r.email}`),
        ];
        output.out(
          `${result.created ? "Created" : "Updated"} clinic ${result.slug} (id ${result.clinicId}) in ${target.description}` +
            (removed.length ? `; removed ${removed.join(", ")}` : ""),
        );
      } catch (error) {
        const known = describeDatabaseError(error, target);
        throw known ? new ScriptError(known) : error;
      } finally {
        await db.disconnect();
      }
    });
  },
};
