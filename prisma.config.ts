import { defineConfig } from "prisma/config";

// The URL is only needed by `prisma migrate status/deploy` where the schema engine is available;
// `prisma generate` reads the schema alone.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.MIGRATE_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://localhost/medslot" },
});
