/**
 * `npm run db:seed`: migrates if needed, then loads every demo clinic in tenants/ and the platform
 * operators (create or update, never duplicate), gives a clinic without bookings its demo
 * appointment history, and prints the demo staff logins.
 */
import path from "node:path";
import { seedDemoClinics } from "../app/seeding/demo-clinics.server";
import { PLATFORM_LOGIN_LABEL, type StaffLogin } from "../app/modules/tenancy/tenant-import.server";
import { createDb } from "../app/utils/db.server";
import { parseEnv } from "../app/utils/env.server";
import { errorMessage, ignoreBrokenPipe } from "./lib/cli";
import { PROJECT_ROOT, withDatabase } from "./lib/database";

function signInUrl(login: StaffLogin) {
  const env = parseEnv();
  const port = env.PORT === 80 ? "" : `:${env.PORT}`;
  return login.clinic === PLATFORM_LOGIN_LABEL ? `http://${env.APP_DOMAIN}${port}/admin` : `http://${login.clinic}.${env.APP_DOMAIN}${port}/panel`;
}

function table(rows: string[][]) {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]) => `  ${r.map((cell, col) => cell.padEnd(widths[col]!)).join("  ")}`.trimEnd();
  return [line(rows[0]!), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)].join("\n");
}

ignoreBrokenPipe();

try {
  await withDatabase({ migrate: true, log: (m) => process.stdout.write(`${m}\n`) }, async (target) => {
    const applied = target.migration?.applied ?? [];
    if (applied.length) process.stdout.write(`Applied migrations: ${applied.join(", ")}\n`);
    const db = createDb(target.runtimeUrl, { poolSize: 2 });
    try {
      const report = await seedDemoClinics(db, path.join(PROJECT_ROOT, "tenants"));
      process.stdout.write(`Seeded ${target.description}:\n`);
      for (const c of report.clinics) {
        const history = c.history.written ? `  + ${c.history.appointments} demo appointments (${c.history.ms} ms)` : "";
        process.stdout.write(`  ${c.created ? "created" : "updated"}  ${c.slug.padEnd(20)} ${c.clinicId}${history}\n`);
      }
      if (report.logins.length) {
        const rows = [["Clinic", "Role", "Email", "Password", "Sign in at"], ...report.logins.map((l) => [l.clinic, l.role, l.email, l.password, signInUrl(l)])];
        process.stdout.write(`\nDemo logins (a password changed since the first seed is kept):\n${table(rows)}\n`);
      }
    } finally {
      await db.disconnect();
    }
  });
  process.exit(0);
} catch (error) {
  process.stderr.write(`Error: ${errorMessage(error)}\n`);
  process.exit(1);
}
