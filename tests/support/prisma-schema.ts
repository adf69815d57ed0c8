/**
 * A small reader for prisma/schema.prisma: models (table and column names after @@map/@map),
 * scalar fields with their native types, keys and enums. Relation fields are left out because they
 * have no column. Enough to compare the schema with the migrated database; not a full Prisma parser.
 */
import fs from "node:fs";
import path from "node:path";

export interface NativeType {
  name: string;
  args: string[];
}

export interface PrismaField {
  name: string;
  column: string;
  /** Scalar name (String, Int, ...), an enum's name, or `Unsupported("...")`. */
  type: string;
  optional: boolean;
  list: boolean;
  nativeType: NativeType | null;
  id: boolean;
  unique: boolean;
  ignored: boolean;
}

export interface PrismaModel {
  name: string;
  table: string;
  fields: PrismaField[];
  /** Primary key columns in key order (from @id or @@id). */
  primaryKey: string[];
  /** Unique column lists (from @unique and @@unique), in index order. */
  uniques: string[][];
  ignored: boolean;
}

export interface PrismaEnum {
  name: string;
  dbName: string;
  /** Database labels (after @map), in declaration order. */
  values: string[];
}

export interface PrismaSchema {
  models: PrismaModel[];
  enums: PrismaEnum[];
}

export function readPrismaSchema(file = path.resolve(process.cwd(), "prisma/schema.prisma")): PrismaSchema {
  return parsePrismaSchema(fs.readFileSync(file, "utf8"));
}

/** Removes `//` and `///` comments, keeping `//` inside string literals (URLs in defaults). */
function stripComments(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

/** Joins statements that span lines (an attribute whose brackets stay open). */
function statements(body: string[]): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const raw of body) {
    const line = raw.trim();
    if (!line) continue;
    current = current ? `${current} ${line}` : line;
    for (const ch of line) {
      if (ch === "(" || ch === "[") depth++;
      else if (ch === ")" || ch === "]") depth--;
    }
    if (depth <= 0) {
      out.push(current);
      current = "";
      depth = 0;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Splits `a, b(sort: Desc, length: 3), c` at top-level commas. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Field names of `@@id([a, b(sort: Desc)])` → ["a", "b"]. */
function fieldList(source: string): string[] {
  return splitTopLevel(source).map((f) => f.replace(/\(.*$/, "").trim());
}

const mapAttr = (s: string) => /(?:^|\s)@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(s)?.[1];
const blockMapAttr = (s: string) => /^@@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(s)?.[1];

export function parsePrismaSchema(text: string): PrismaSchema {
  const lines = text.split(/\r?\n/).map(stripComments);
  const blocks: { kind: string; name: string; body: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*(model|enum|view|type|generator|datasource)\s+(\w+)\s*\{\s*$/.exec(lines[i]!);
    if (!header) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== "}"; i++) body.push(lines[i]!);
    blocks.push({ kind: header[1]!, name: header[2]!, body });
  }

  const enums: PrismaEnum[] = blocks
    .filter((b) => b.kind === "enum")
    .map((b) => {
      const values: string[] = [];
      let dbName = b.name;
      for (const st of statements(b.body)) {
        if (st.startsWith("@@")) {
          dbName = blockMapAttr(st) ?? dbName;
          continue;
        }
        const value = /^(\w+)/.exec(st)?.[1];
        if (value) values.push(mapAttr(st) ?? value);
      }
      return { name: b.name, dbName, values };
    });

  const modelNames = new Set(blocks.filter((b) => b.kind === "model" || b.kind === "view" || b.kind === "type").map((b) => b.name));

  const models: PrismaModel[] = blocks
    .filter((b) => b.kind === "model")
    .map((b) => {
      const fields: PrismaField[] = [];
      let table = b.name;
      let ignored = false;
      let blockId: string[] | null = null;
      const blockUniques: string[][] = [];
      for (const st of statements(b.body)) {
        if (st.startsWith("@@")) {
          table = blockMapAttr(st) ?? table;
          if (/^@@ignore\b/.test(st)) ignored = true;
          const id = /^@@id\(\s*(?:fields:\s*)?\[(.*?)\]/.exec(st);
          if (id) blockId = fieldList(id[1]!);
          const unique = /^@@unique\(\s*(?:fields:\s*)?\[(.*?)\]/.exec(st);
          if (unique) blockUniques.push(fieldList(unique[1]!));
          continue;
        }
        const m = /^(\w+)\s+(Unsupported\("(?:[^"\\]|\\.)*"\)|\w+)(\[\])?(\?)?(.*)$/.exec(st);
        if (!m) throw new Error(`schema.prisma: cannot read field "${st}" in model ${b.name}`);
        const [, name, type, list, optional, rest] = m as unknown as [string, string, string, string | undefined, string | undefined, string];
        // A relation field (its type is another model) has no column of its own.
        if (modelNames.has(type) || /(?:^|\s)@relation\b/.test(rest)) continue;
        const native = /(?:^|\s)@db\.(\w+)(?:\(([^)]*)\))?/.exec(rest);
        fields.push({
          name,
          column: mapAttr(rest) ?? name,
          type,
          optional: Boolean(optional),
          list: Boolean(list),
          nativeType: native ? { name: native[1]!, args: native[2] ? splitTopLevel(native[2]) : [] } : null,
          id: /(?:^|\s)@id\b/.test(rest),
          unique: /(?:^|\s)@unique\b/.test(rest),
          ignored: /(?:^|\s)@ignore\b/.test(rest),
        });
      }
      const column = (fieldName: string) => {
        const f = fields.find((x) => x.name === fieldName);
        if (!f) throw new Error(`schema.prisma: model ${b.name} names unknown field "${fieldName}" in a key`);
        return f.column;
      };
      const primaryKey = blockId ? (blockId as string[]).map(column) : fields.filter((f) => f.id).map((f) => f.column);
      const uniques = [...fields.filter((f) => f.unique).map((f) => [f.column]), ...blockUniques.map((u) => u.map(column))];
      return { name: b.name, table, fields, primaryKey, uniques, ignored };
    });

  return { models, enums };
}

export interface ExpectedColumnType {
  /** information_schema.columns.data_type */
  dataType: string;
  /** information_schema.columns.udt_name */
  udtName: string;
  /** pg_catalog format_type(), which also carries precision and length: "timestamp(3) with time zone". */
  formatted: string;
  /** How schema.prisma spells it, for messages: "DateTime @db.Timestamptz(3)". */
  prisma: string;
}

interface PgScalar {
  dataType: string;
  udtName: string;
  format: (args: string[]) => string;
}

const withArgs = (base: string) => (args: string[]) => (args.length ? `${base}(${args.join(",")})` : base);
const timeLike = (kind: "timestamp" | "time", tz: boolean) => (args: string[]) =>
  `${kind}${args.length ? `(${args[0]})` : ""} ${tz ? "with" : "without"} time zone`;

const PG: Record<string, PgScalar> = {
  text: { dataType: "text", udtName: "text", format: () => "text" },
  varchar: { dataType: "character varying", udtName: "varchar", format: withArgs("character varying") },
  char: { dataType: "character", udtName: "bpchar", format: (a) => `character(${a[0] ?? 1})` },
  uuid: { dataType: "uuid", udtName: "uuid", format: () => "uuid" },
  xml: { dataType: "xml", udtName: "xml", format: () => "xml" },
  inet: { dataType: "inet", udtName: "inet", format: () => "inet" },
  citext: { dataType: "USER-DEFINED", udtName: "citext", format: () => "citext" },
  bit: { dataType: "bit", udtName: "bit", format: (a) => `bit(${a[0] ?? 1})` },
  varbit: { dataType: "bit varying", udtName: "varbit", format: withArgs("bit varying") },
  boolean: { dataType: "boolean", udtName: "bool", format: () => "boolean" },
  integer: { dataType: "integer", udtName: "int4", format: () => "integer" },
  smallint: { dataType: "smallint", udtName: "int2", format: () => "smallint" },
  oid: { dataType: "oid", udtName: "oid", format: () => "oid" },
  bigint: { dataType: "bigint", udtName: "int8", format: () => "bigint" },
  double: { dataType: "double precision", udtName: "float8", format: () => "double precision" },
  real: { dataType: "real", udtName: "float4", format: () => "real" },
  numeric: { dataType: "numeric", udtName: "numeric", format: withArgs("numeric") },
  money: { dataType: "money", udtName: "money", format: () => "money" },
  timestamp: { dataType: "timestamp without time zone", udtName: "timestamp", format: timeLike("timestamp", false) },
  timestamptz: { dataType: "timestamp with time zone", udtName: "timestamptz", format: timeLike("timestamp", true) },
  date: { dataType: "date", udtName: "date", format: () => "date" },
  time: { dataType: "time without time zone", udtName: "time", format: timeLike("time", false) },
  timetz: { dataType: "time with time zone", udtName: "timetz", format: timeLike("time", true) },
  jsonb: { dataType: "jsonb", udtName: "jsonb", format: () => "jsonb" },
  json: { dataType: "json", udtName: "json", format: () => "json" },
  bytea: { dataType: "bytea", udtName: "bytea", format: () => "bytea" },
};

/** Prisma's PostgreSQL column type for a scalar without a @db attribute. */
const DEFAULTS: Record<string, { pg: string; args: string[] }> = {
  String: { pg: "text", args: [] },
  Boolean: { pg: "boolean", args: [] },
  Int: { pg: "integer", args: [] },
  BigInt: { pg: "bigint", args: [] },
  Float: { pg: "double", args: [] },
  Decimal: { pg: "numeric", args: ["65", "30"] },
  DateTime: { pg: "timestamp", args: ["3"] },
  Json: { pg: "jsonb", args: [] },
  Bytes: { pg: "bytea", args: [] },
};

/** The `@db.*` attributes Prisma accepts for PostgreSQL, by scalar type. */
const NATIVE: Record<string, Record<string, string>> = {
  String: { Text: "text", VarChar: "varchar", Char: "char", Uuid: "uuid", Xml: "xml", Inet: "inet", Citext: "citext", Bit: "bit", VarBit: "varbit" },
  Boolean: { Boolean: "boolean" },
  Int: { Integer: "integer", SmallInt: "smallint", Oid: "oid" },
  BigInt: { BigInt: "bigint" },
  Float: { DoublePrecision: "double", Real: "real" },
  Decimal: { Decimal: "numeric", Money: "money" },
  DateTime: { Timestamp: "timestamp", Timestamptz: "timestamptz", Date: "date", Time: "time", Timetz: "timetz" },
  Json: { Json: "json", JsonB: "jsonb" },
  Bytes: { ByteA: "bytea" },
};

/** The column type a field should have, or null when Prisma cannot tell (Unsupported). */
export function expectedColumnType(field: PrismaField, schema: PrismaSchema): ExpectedColumnType | null {
  if (field.type.startsWith("Unsupported(")) return null;
  const spelled = `${field.type}${field.list ? "[]" : ""}${field.nativeType ? ` @db.${field.nativeType.name}${field.nativeType.args.length ? `(${field.nativeType.args.join(", ")})` : ""}` : ""}`;
  let element: { dataType: string; udtName: string; formatted: string };
  const enumType = schema.enums.find((e) => e.name === field.type);
  if (enumType) {
    element = { dataType: "USER-DEFINED", udtName: enumType.dbName, formatted: enumType.dbName };
  } else {
    let pgName: string;
    let args: string[];
    if (field.nativeType) {
      const mapped = NATIVE[field.type]?.[field.nativeType.name];
      if (!mapped) throw new Error(`schema.prisma: @db.${field.nativeType.name} is not a PostgreSQL type for ${field.type} (field ${field.name})`);
      pgName = mapped;
      args = field.nativeType.args;
    } else {
      const d = DEFAULTS[field.type];
      if (!d) throw new Error(`schema.prisma: unknown type ${field.type} (field ${field.name})`);
      pgName = d.pg;
      args = d.args;
    }
    const scalar = PG[pgName]!;
    element = { dataType: scalar.dataType, udtName: scalar.udtName, formatted: scalar.format(args) };
  }
  if (!field.list) return { ...element, prisma: spelled };
  return { dataType: "ARRAY", udtName: `_${element.udtName}`, formatted: `${element.formatted}[]`, prisma: spelled };
}
