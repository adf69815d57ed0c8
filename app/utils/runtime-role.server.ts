/**
 * The start-up check that the runtime role cannot read across clinics. Its own module (pg only), so
 * the compiled server can run it before it loads the app.
 */
import pg from "pg";
import { PUBLISHED_TABLES } from "./migrate.server";

export class UnsafeRuntimeRoleError extends Error {}

/**
 * The server refuses to start when its role could bypass row-level security: a superuser, a role
 * with BYPASSRLS, one that owns (or inherits ownership of) a table, or when a clinic table lacks
 * forced RLS (published copies of public data excepted, which it must only be able to read).
 */
export async function assertRuntimeRoleIsSafe(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const problems: string[] = [];
    const role = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    );
    const r = role.rows[0]!;
    if (r.rolsuper) problems.push(`role "${r.rolname}" is a superuser`);
    if (r.rolbypassrls) problems.push(`role "${r.rolname}" has BYPASSRLS`);
    // Membership counts even without INHERIT: the member can SET ROLE to a superuser or bypasser.
    const powerful = await client.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE (rolsuper OR rolbypassrls) AND rolname <> current_user AND pg_has_role(current_user, oid, 'MEMBER')`,
    );
    if (powerful.rowCount) problems.push(`role "${r.rolname}" is a member of ${powerful.rows.map((x) => `"${x.rolname}"`).join(", ")}, which can bypass row-level security`);
    const owned = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r','p','v','m') AND pg_has_role(current_user, c.relowner, 'MEMBER')`,
    );
    if (owned.rowCount) problems.push(`role "${r.rolname}" owns or inherits ownership of ${owned.rows.map((x) => x.relname).join(", ")}`);
    const unprotected = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND NOT a.attisdropped) OR c.relname = 'clinics')
          AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
    );
    const published = [...PUBLISHED_TABLES];
    const exposed = unprotected.rows.filter((x) => !PUBLISHED_TABLES.has(x.relname));
    if (exposed.length) problems.push(`clinic tables without forced row-level security: ${exposed.map((x) => x.relname).join(", ")}`);
    // Published copies have no row-level security by design (public data only), so the role must not be able to write them.
    const writable = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY ($1::text[])
          AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))`,
      [published],
    );
    if (writable.rowCount) problems.push(`role "${r.rolname}" can write the published tables ${writable.rows.map((x) => x.relname).join(", ")}`);
    if (problems.length) {
      throw new UnsafeRuntimeRoleError(
        `Refusing to start: the database role in DATABASE_URL could read across clinics.\n  - ${problems.join("\n  - ")}\n` +
          "Connect as a role that owns nothing (LOGIN NOSUPERUSER NOBYPASSRLS) and run `npm run db:migrate` with MIGRATE_DATABASE_URL to grant it access.",
      );
    }
  } finally {
    await client.end();
  }
}
