import type { Db } from "~/utils/db.server";

export function startOutboxRelay(_db: Db) {
  return { stop: async () => {} };
}
