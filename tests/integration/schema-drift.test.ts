/**
 * schema.prisma and the SQL migrations are written by hand side by side; this compares the Prisma
 * schema with the migrated database so the client can never believe in a column, type or key that
 * is not there.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { expectedColumnType, parsePrismaSchema, readPrismaSchema, type PrismaSchema } from "../support/prisma-schema";

interface DbColumn {
  table: string;
  column: string;
  data_type: string;
  udt_name: string;
  formatted: string;
  nullable: boolean;
}

interface DbSchema {
  tables: Set<string>;
  columns: Map<string, DbColumn>;
  enums: Map<string, string[]>;
  primaryKeys: Map<string, string[]>;
  uniques: Map<string, string[][]>;
}

let owner: pg.Client;

beforeAll(async () => {
  // The owner sees every column in information_schema (it lists only columns the user may use).
  owner = new pg.Client({ connectionString: inject("ownerUrl") });
  await owner.connect();
});
afterAll(() => owner.end());

async function readDatabase(client: pg.Client): Promise<DbSchema> {
  const tables = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'`,
  );
  const columns = await client.query<DbColumn>(
    `SELECT c.relname AS table, a.attname AS column, ic.data_type, ic.udt_name,
            format_type(a.atttypid, a.atttypmod) AS formatted, NOT a.attnotnull AS nullable
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN information_schema.columns ic ON ic.table_schema = n.nspname AND ic.table_name = c.relname AND ic.column_name = a.attname
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const enums = await client.query<{ typname: string; labels: string[] }>(
    `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  const keys = await client.query<{ table: string; primary: boolean; columns: string[] }>(
    `SELECT c.relname AS table, i.indisprimary AS primary,
            array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
  );
  const primaryKeys = new Map<string, string[]>();
  const uniques = new Map<string, string[][]>();
  for (const k of keys.rows) {
    if (k.primary) primaryKeys.set(k.table, k.columns);
    uniques.set(k.table, [...(uniques.get(k.table) ?? []), k.columns]);
  }
  return {
    tables: new Set(tables.rows.map((r) => r.relname)),
    columns: new Map(columns.rows.map((r) => [`${r.table}.${r.column}`, r])),
    enums: new Map(enums.rows.map((r) => [r.typname, r.labels])),
    primaryKeys,
    uniques,
  };
}

/** Every difference between the Prisma schema and the database, one readable line each. */
function compare(schema: PrismaSchema, db: DbSchema): string[] {
  const problems: string[] = [];
  const modelTables = new Map(schema.models.map((m) => [m.table, m]));

  for (const table of [...db.tables].sort()) {
    if (!modelTables.has(table)) problems.push(`table ${table} exists in the database but has no model in schema.prisma`);
  }
  for (const model of schema.models) {
    if (!db.tables.has(model.table)) {
      problems.push(`model ${model.name} maps to table ${model.table}, which the migrations never create`);
      continue;
    }
    const expectedColumns = new Set<string>();
    for (const field of model.fields) {
      expectedColumns.add(field.column);
      const where = `${model.table}.${field.column} (${model.name}.${field.name})`;
      const col = db.columns.get(`${model.table}.${field.column}`);
      if (!col) {
        problems.push(`${where}: column missing in the database`);
        continue;
      }
      const expected = expectedColumnType(field, schema);
      if (expected) {
        const found = col.data_type === "USER-DEFINED" || col.data_type === "ARRAY" ? `${col.data_type} ${col.udt_name}` : col.data_type;
        const wanted = expected.dataType === "USER-DEFINED" || expected.dataType === "ARRAY" ? `${expected.dataType} ${expected.udtName}` : expected.dataType;
        if (col.data_type !== expected.dataType || col.udt_name !== expected.udtName) {
          problems.push(`${where}: type — schema.prisma ${expected.prisma} means ${wanted} (${expected.formatted}), database has ${found} (${col.formatted})`);
        } else if (col.formatted !== expected.formatted) {
          problems.push(`${where}: precision or length — schema.prisma ${expected.prisma} means ${expected.formatted}, database has ${col.formatted}`);
        }
      }
      // Lists are never optional in Prisma and the client types them as non-null arrays, so the
      // column must be NOT NULL as well.
      const shouldBeNullable = field.optional && !field.list;
      if (col.nullable !== shouldBeNullable) {
        problems.push(`${where}: nullability — schema.prisma says ${shouldBeNullable ? "optional (NULL)" : "required (NOT NULL)"}, database column is ${col.nullable ? "NULL" : "NOT NULL"}`);
      }
    }
    for (const [key, col] of [...db.columns].sort()) {
      if (col.table === model.table && !expectedColumns.has(col.column)) {
        problems.push(`${key}: column exists in the database but model ${model.name} has no field for it`);
      }
    }
    const pk = db.primaryKeys.get(model.table) ?? [];
    if (model.primaryKey.join(",") !== pk.join(",")) {
      problems.push(`${model.table}: primary key — schema.prisma (${model.primaryKey.join(", ") || "none"}), database (${pk.join(", ") || "none"})`);
    }
    const dbUniques = db.uniques.get(model.table) ?? [];
    for (const unique of model.uniques) {
      if (!dbUniques.some((u) => u.join(",") === unique.join(","))) {
        problems.push(`${model.table}: schema.prisma declares unique (${unique.join(", ")}), the database has no such unique index`);
      }
    }
  }

  const enumsByDbName = new Map(schema.enums.map((e) => [e.dbName, e]));
  for (const name of [...db.enums.keys()].sort()) {
    if (!enumsByDbName.has(name)) problems.push(`enum type ${name} exists in the database but not in schema.prisma`);
  }
  for (const e of schema.enums) {
    const labels = db.enums.get(e.dbName);
    if (!labels) problems.push(`enum ${e.name} maps to type ${e.dbName}, which the migrations never create`);
    else if (labels.join(",") !== e.values.join(",")) {
      problems.push(`enum ${e.name} (${e.dbName}): schema.prisma values [${e.values.join(", ")}], database values [${labels.join(", ")}]`);
    }
  }
  return problems;
}

test("schema.prisma matches the migrated database: tables, columns, types, nullability, keys, enums", async () => {
  const schema = readPrismaSchema();
  expect(schema.models.length).toBeGreaterThan(0);
  const problems = compare(schema, await readDatabase(owner));
  if (problems.length) {
    throw new Error(`schema.prisma and the migrations disagree (${problems.length}):\n  - ${problems.join("\n  - ")}`);
  }
});

test("the comparison reports every kind of difference in one message", async () => {
  // A deliberately wrong schema proves the comparison is not vacuous.
  const wrong = parsePrismaSchema(`
    enum ClinicStatus {
      draft
      live
      @@map("clinic_status")
    }
    enum Mood {
      calm
      @@map("mood")
    }
    model Clinic {
      id        String       @id @db.Uuid
      slug      Int
      name      String?
      status    ClinicStatus
      createdAt DateTime     @map("created_at") @db.Timestamptz(6)
      specialties String[]
      nickname  String
      @@map("clinics")
    }
    model Ghost {
      id Int @id
      @@map("ghosts")
    }
  `);
  const problems = compare(wrong, await readDatabase(owner));
  const text = problems.join("\n");
  expect(text).toContain("table locations exists in the database but has no model in schema.prisma");
  expect(text).toContain("model Ghost maps to table ghosts, which the migrations never create");
  expect(text).toContain("clinics.slug (Clinic.slug): type — schema.prisma Int means integer (integer), database has text (text)");
  expect(text).toContain("clinics.name (Clinic.name): nullability — schema.prisma says optional (NULL), database column is NOT NULL");
  expect(text).toContain("clinics.created_at (Clinic.createdAt): precision or length — schema.prisma DateTime @db.Timestamptz(6) means timestamp(6) with time zone, database has timestamp(3) with time zone");
  expect(text).toContain("clinics.nickname (Clinic.nickname): column missing in the database");
  expect(text).toContain("clinics.time_zone: column exists in the database but model Clinic has no field for it");
  expect(text).toContain("enum ClinicStatus (clinic_status): schema.prisma values [draft, live], database values [draft, live, suspended]");
  expect(text).toContain("enum Mood maps to type mood, which the migrations never create");
  expect(text).toContain("enum type staff_role exists in the database but not in schema.prisma");
  expect(text).not.toContain("clinics.specialties");
  expect(text).not.toContain("clinics.status");
});

test("the schema reader understands maps, native types, lists, optionals, keys and skips relations", () => {
  const schema = parsePrismaSchema(`
    // comment with "quotes" and // slashes
    enum Kind {
      a_b @map("a-b")
      c
      @@map("kind_type")
    }
    model Parent {
      id       BigInt   @id @default(autoincrement())
      children Child[]
      @@map("parents")
    }
    /// Doc comment
    model Child {
      parentId BigInt  @map("parent_id")
      id       String  @default(uuid()) @db.Uuid
      url      String  @default("https://example.com/x") // trailing comment
      code     String? @db.VarChar(12)
      tags     Kind[]
      amount   Decimal
      price    Decimal @db.Decimal(10, 2)
      at       DateTime
      day      DateTime @db.Date
      raw      Unsupported("tsvector")?
      parent   Parent  @relation(fields: [parentId], references: [id])
      @@id([parentId, id(sort: Desc)])
      @@unique([parentId,
                code])
      @@map("children")
    }
  `);
  expect(schema.enums).toEqual([{ name: "Kind", dbName: "kind_type", values: ["a-b", "c"] }]);
  const child = schema.models.find((m) => m.name === "Child")!;
  expect(child.table).toBe("children");
  expect(child.fields.map((f) => f.column)).toEqual(["parent_id", "id", "url", "code", "tags", "amount", "price", "at", "day", "raw"]);
  expect(child.primaryKey).toEqual(["parent_id", "id"]);
  expect(child.uniques).toEqual([["parent_id", "code"]]);
  const type = (name: string) => expectedColumnType(child.fields.find((f) => f.name === name)!, schema);
  expect(type("id")).toMatchObject({ dataType: "uuid", formatted: "uuid" });
  expect(type("url")).toMatchObject({ dataType: "text" });
  expect(type("code")).toMatchObject({ dataType: "character varying", formatted: "character varying(12)" });
  expect(type("tags")).toMatchObject({ dataType: "ARRAY", udtName: "_kind_type", formatted: "kind_type[]" });
  expect(type("amount")).toMatchObject({ formatted: "numeric(65,30)" });
  expect(type("price")).toMatchObject({ formatted: "numeric(10,2)" });
  expect(type("at")).toMatchObject({ dataType: "timestamp without time zone", formatted: "timestamp(3) without time zone" });
  expect(type("day")).toMatchObject({ dataType: "date" });
  expect(type("raw")).toBeNull();
  expect(child.fields.find((f) => f.name === "raw")!.optional).toBe(true);
  const parent = schema.models.find((m) => m.name === "Parent")!;
  expect(parent.fields.map((f) => f.name)).toEqual(["id"]);
  expect(type("parentId")).toMatchObject({ dataType: "bigint" });
});
