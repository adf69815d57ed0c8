import type { Db } from "~/utils/db.server";

export async function seedDemoClinics(_db: Db, _dir: string): Promise<{ logins: { clinic: string; email: string; password: string; role: string }[] }> {
  return { logins: [] };
}
