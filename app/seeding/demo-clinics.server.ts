/**
 * The demo: every clinic folder under `tenants/` imported with its staff, and a few months of
 * appointment history for a clinic that has none yet. Used by `npm run db:seed` and by `npm start`'s
 * first run on an empty database. Seeding code, not the domain: it writes through the modules'
 * rules and the same tables, but nothing in app/modules depends on it.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { importOperators, importTenantFolder, listTenantFolders, OPERATORS_FILE, type StaffLogin, type TenantImportResult } from "~/modules/tenancy/tenant-import.server";
import type { Db } from "~/utils/db.server";
import { seedDemoHistory, type DemoHistoryResult } from "./demo-history.server";

export interface SeededClinic extends TenantImportResult {
  /** The demo appointment history written now; `written` is false when the clinic already had bookings. */
  history: DemoHistoryResult;
}

/**
 * Imports every clinic folder under `tenantsDir` and the platform operators, and gives a clinic
 * without any appointments a few months of demo history. Safe to run any number of times. Returns
 * the demo logins (only people whose definition has a password).
 */
export async function seedDemoClinics(db: Db, tenantsDir: string, options: { now?: Date } = {}): Promise<{ clinics: SeededClinic[]; logins: StaffLogin[] }> {
  const imported: TenantImportResult[] = [];
  for (const folder of await listTenantFolders(tenantsDir)) imported.push(await importTenantFolder(db, folder));
  // Each clinic's history is its own transaction on its own patients, so two run side by side
  // (the seed's pool may hold only two connections, and a third would wait for one).
  const histories: DemoHistoryResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < imported.length; i = next++) histories[i] = await seedDemoHistory(db, imported[i]!.clinicId, { now: options.now });
  };
  await Promise.all([worker(), worker()]);
  const clinics = imported.map((c, i) => ({ ...c, history: histories[i]! }));
  const operatorsFile = path.join(tenantsDir, OPERATORS_FILE);
  const operatorLogins = (await fs.stat(operatorsFile).catch(() => null)) ? await importOperators(db, operatorsFile) : [];
  return { clinics, logins: [...clinics.flatMap((c) => c.logins), ...operatorLogins] };
}
