/**
 * API keys for a clinic's own software. A key is shown once, when it is made; only its SHA-256 is
 * stored, with the first characters kept so people can tell keys apart in a list. A key belongs to
 * one clinic: it is looked up inside that clinic's database scope, so row-level security makes
 * another clinic's key simply not exist there.
 */
import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type AuditActor, type AuditRequestContext } from "~/modules/audit/audit.server";
import { clinicMemo } from "~/utils/clinic-memo.server";
import type { ClinicDb, Db } from "~/utils/db.server";
import { NotFoundError, UnauthorizedError, ValidationError } from "~/utils/errors.server";

export const API_KEY_PREFIX = "msk_";
/** "msk_" and 32 random bytes in base64url (43 characters, no padding). */
const API_KEY_PATTERN = /^msk_[A-Za-z0-9_-]{43}$/;
const SHOWN_PREFIX_LENGTH = 12;
const NAME_MAX = 80;
/** A key's sustained rate limit in requests a second when it has none of its own (rate-limits.server.ts). */
export const DEFAULT_KEY_RATE_PER_SECOND = 10;
/** The most a key may be given (the column's CHECK says the same). */
export const MAX_KEY_RATE_PER_SECOND = 100_000;
// last_used_at is for people ("is this key still in use?"); minute precision spares a write per request.
const LAST_USED_PRECISION_MS = 60_000;

export interface ApiKeySummary {
  id: string;
  name: string;
  /** The key's first characters, e.g. "msk_Ab12Cd34". */
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The key's own limit in requests a second; null: the platform default. */
  rateLimitPerSecond: number | null;
}

export interface AuthenticatedApiKey {
  id: string;
  clinicId: string;
  name: string;
  rateLimitPerSecond: number | null;
}

const summarySelect = { id: true, name: true, prefix: true, createdBy: true, createdAt: true, lastUsedAt: true, revokedAt: true, rateLimitPerSecond: true } as const;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** `createdBy` is a label such as "cli" or "staff:<membership id>"; staff labels are audited as that staff member. */
function auditActorOf(createdBy: string | null): AuditActor {
  const staff = /^staff:(.+)$/.exec(createdBy ?? "");
  return staff ? { type: "staff", id: staff[1] } : { type: "system", id: createdBy };
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > NAME_MAX) {
    throw new ValidationError(`Give the key a name of 1 to ${NAME_MAX} characters, e.g. the software that will use it.`, [
      { path: "name", message: `1 to ${NAME_MAX} characters` },
    ]);
  }
  return trimmed;
}

/** A key's own rate: a whole number of requests a second, or null for the default. */
function cleanRate(rate: number | null | undefined): number | null {
  if (rate === null || rate === undefined) return null;
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_KEY_RATE_PER_SECOND) {
    throw new ValidationError(`A key's rate limit is a whole number of requests a second from 1 to ${MAX_KEY_RATE_PER_SECOND}.`, [
      { path: "rateLimitPerSecond", message: `1 to ${MAX_KEY_RATE_PER_SECOND}` },
    ]);
  }
  return rate;
}

/**
 * Creates a key and returns it in plain text: the only time it can be seen. `rateLimitPerSecond`
 * gives a high-volume integration more than the default; only the platform operator sets it (the
 * CLI), since it is a share of capacity every clinic uses.
 */
export async function createApiKey(
  db: ClinicDb,
  name: string,
  createdBy: string | null,
  opts: { request?: AuditRequestContext | null; rateLimitPerSecond?: number | null } = {},
): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const label = cleanName(name);
  const rateLimitPerSecond = cleanRate(opts.rateLimitPerSecond);
  const key = generateApiKey();
  const clinicId = db.clinicId;
  const apiKey = await db.tx(async (tx) => {
    const row = await tx.apiKey.create({
      data: { clinicId, name: label, keyHash: hashApiKey(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH), createdBy, rateLimitPerSecond },
      select: summarySelect,
    });
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(createdBy),
      action: "api_key.created",
      target: { type: "api_key", id: row.id },
      request: opts.request,
      details: { name: row.name, prefix: row.prefix, ...(rateLimitPerSecond !== null ? { rateLimitPerSecond } : {}) },
    });
    return row;
  });
  return { key, apiKey };
}

/** Newest first, revoked ones included (marked), so the owner sees the whole history. */
export async function listApiKeys(db: ClinicDb): Promise<ApiKeySummary[]> {
  return db.tx((tx) => tx.apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: summarySelect }));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revokes at once and for good; revoking a revoked key changes nothing. */
export async function revokeApiKey(
  db: ClinicDb,
  apiKeyId: string,
  revokedBy: string | null,
  opts: { request?: AuditRequestContext | null; now?: Date } = {},
): Promise<ApiKeySummary> {
  if (!UUID_PATTERN.test(apiKeyId)) throw new NotFoundError("There is no API key with this id at this clinic.");
  const now = opts.now ?? new Date();
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { clinicId_id: { clinicId, id: apiKeyId } }, select: summarySelect });
    if (!existing) throw new NotFoundError("There is no API key with this id at this clinic.");
    if (existing.revokedAt) return existing;
    const row = await tx.apiKey.update({ where: { clinicId_id: { clinicId, id: apiKeyId } }, data: { revokedAt: now }, select: summarySelect });
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(revokedBy),
      action: "api_key.revoked",
      target: { type: "api_key", id: row.id },
      request: opts.request,
      details: { name: row.name, prefix: row.prefix },
    });
    return row;
  });
}

/** Gives a key its own rate limit, or (null) puts it back on the default; applies within a couple of seconds on every server. */
export async function setApiKeyRateLimit(
  db: ClinicDb,
  apiKeyId: string,
  rateLimitPerSecond: number | null,
  changedBy: string | null,
  opts: { request?: AuditRequestContext | null } = {},
): Promise<ApiKeySummary> {
  if (!UUID_PATTERN.test(apiKeyId)) throw new NotFoundError("There is no API key with this id at this clinic.");
  const rate = cleanRate(rateLimitPerSecond);
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { clinicId_id: { clinicId, id: apiKeyId } }, select: summarySelect });
    if (!existing) throw new NotFoundError("There is no API key with this id at this clinic.");
    const row = await tx.apiKey.update({ where: { clinicId_id: { clinicId, id: apiKeyId } }, data: { rateLimitPerSecond: rate }, select: summarySelect });
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(changedBy),
      action: "api_key.rate_limit_changed",
      target: { type: "api_key", id: row.id },
      request: opts.request,
      details: { name: row.name, prefix: row.prefix, from: existing.rateLimitPerSecond, to: rate },
    });
    return row;
  });
}

const INVALID_KEY = "The API key is missing, revoked, or not a key of this clinic.";

interface KeyRow {
  id: string;
  clinic_id: string;
  name: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rate_limit_per_second: number | null;
}

/**
 * The key behind `Authorization: Bearer <key>` on this clinic's host; UnauthorizedError otherwise.
 * Checked against the clinic's keys as this process knows them (see clinicKeys): a revocation
 * applies on the server that made it before its request is answered, and on the others as soon as
 * the change feed brings it (milliseconds; a second at most while the feed is current, every request
 * reads afresh when it is not). `last_used_at` is written in one statement at most once a minute per
 * key and server.
 */
export async function authenticateApiKey(db: Db, clinicId: string, bearerToken: string, now = new Date()): Promise<AuthenticatedApiKey> {
  if (!API_KEY_PATTERN.test(bearerToken)) throw new UnauthorizedError(INVALID_KEY);
  const hash = hashApiKey(bearerToken);
  // A key made a moment ago on another server may not have reached this one's list yet: an unknown
  // key is looked up before it is refused.
  const row =
    (await clinicKeys(db, clinicId)).get(hash) ??
    (await db.forClinic(clinicId).readOne<KeyRow>("SELECT id::text, clinic_id::text, name, last_used_at, revoked_at, rate_limit_per_second FROM api_keys WHERE key_hash = $1", [hash]))[0];
  if (!row || row.clinic_id !== clinicId || row.revoked_at) throw new UnauthorizedError(INVALID_KEY);
  const written = lastUsedWritten.get(row.id) ?? row.last_used_at?.getTime() ?? 0;
  if (now.getTime() - written >= LAST_USED_PRECISION_MS) {
    lastUsedWritten.set(row.id, now.getTime());
    await db.forClinic(clinicId).writeOne(
      `UPDATE api_keys SET last_used_at = $1 WHERE clinic_id = $2 AND id = $3 AND (last_used_at IS NULL OR last_used_at <= $4)`,
      [now, clinicId, row.id, new Date(now.getTime() - LAST_USED_PRECISION_MS)],
    );
  }
  return { id: row.id, clinicId: row.clinic_id, name: row.name, rateLimitPerSecond: row.rate_limit_per_second };
}

/**
 * A clinic's keys by hash, read once and kept until a key of the clinic is made, revoked, renamed
 * or given another rate (the change feed tells every server at once); read afresh on every call
 * while the feed is not current. A clinic has a handful of keys.
 */
const clinicKeys = clinicMemo(["api_key"], async (db, clinicId) => {
  const rows = await db
    .forClinic(clinicId)
    .readOne<KeyRow & { key_hash: string }>("SELECT id::text, clinic_id::text, name, key_hash, last_used_at, revoked_at, rate_limit_per_second FROM api_keys");
  return new Map(rows.map((r) => [r.key_hash, r]));
});

/** When this process last wrote a key's last_used_at (ms), so it writes at most once a minute per key. */
const lastUsedWritten = new Map<string, number>();

/** The clinic a command-line operator names by slug: the host directory is the one cross-clinic read allowed. */
export async function findClinicBySlug(db: Db, slug: string): Promise<{ id: string; slug: string; name: string }> {
  const clinic = await db
    .system("clinic by slug")
    .tx((tx) => tx.clinic.findUnique({ where: { slug: slug.trim().toLowerCase() }, select: { id: true, slug: true, name: true } }));
  if (!clinic) throw new NotFoundError(`There is no clinic with the slug "${slug}".`);
  return clinic;
}
