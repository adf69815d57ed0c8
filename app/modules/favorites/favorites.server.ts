/**
 * A patient's favorites: clinics, services and doctors saved from the marketplace or a clinic's
 * site. Every read and write names the signed-in patient in the transaction
 * (`app.patient_account_id`), so row-level security shows and accepts only that patient's rows; on a
 * clinic's site the clinic scope further limits them to that clinic (see the favorites migration).
 *
 * A favorite is saved only for something the published catalog offers; what it points at is read
 * through the catalog again when listed, so a target that is no longer published shows as such.
 */
import { z } from "zod";
import type { FavoriteKind } from "~/generated/prisma/enums";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { resolvePublishedTargets, targetKey, type PublishedTarget, type TargetRef } from "~/modules/marketplace/catalog.server";
import type { Db, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";

export const FAVORITE_KINDS = ["clinic", "service", "doctor"] as const;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "This is not something that can be saved.");

/** The form the favorite button posts. */
export const favoriteFormSchema = z.object({
  intent: z.enum(["add", "remove"], { error: "Choose whether to save or remove the favorite." }),
  kind: z.enum(FAVORITE_KINDS, { error: "Choose a clinic, a service or a doctor." }),
  clinicId: uuid,
  targetId: uuid,
  redirectTo: z.string().max(2000).optional(),
});

export type FavoriteForm = z.infer<typeof favoriteFormSchema>;

export function parseFavoriteForm(input: Record<string, unknown>): FavoriteForm {
  const parsed = favoriteFormSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrorsFromZod(parsed.error);
    throw new ValidationError(errors[0]?.message ?? "The favorite could not be read.", errors);
  }
  return parsed.data;
}

/** Where favorites are read or written: the marketplace (every clinic) or one clinic's site. */
export type FavoriteSite = { clinicId: string | null };

/** A transaction in the site's scope that names the patient, so RLS sees only their favorites. */
function asPatient<T>(db: Db, site: FavoriteSite, patientAccountId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const scope = site.clinicId ? db.forClinic(site.clinicId) : db.forPlatform();
  return scope.tx(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.patient_account_id', ${patientAccountId}, true)`;
    return fn(tx);
  });
}

export interface FavoriteChange {
  patientAccountId: string;
  kind: FavoriteKind;
  clinicId: string;
  targetId: string;
}

/**
 * Saves a favorite; saving it again changes nothing. Throws NotFoundError when the catalog does not
 * publish the target, and ValidationError when a clinic's site is asked to save another clinic's.
 */
export async function addFavorite(db: Db, site: FavoriteSite, change: FavoriteChange, request: AuditRequestContext | null = null): Promise<void> {
  onlyThisClinic(site, change);
  const ref: TargetRef = { clinicId: change.clinicId, kind: change.kind, targetId: change.targetId };
  const target = (await resolvePublishedTargets(db, [ref])).get(targetKey(ref));
  if (!target) throw new NotFoundError("This is no longer offered, so it cannot be saved.");
  await asPatient(db, site, change.patientAccountId, async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO favorites (clinic_id, patient_account_id, kind, target_id)
      VALUES (${change.clinicId}::uuid, ${change.patientAccountId}::uuid, ${change.kind}::favorite_kind, ${change.targetId}::uuid)
      ON CONFLICT DO NOTHING`;
    if (inserted) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "patient", id: change.patientAccountId },
        action: "favorite.added",
        target: { type: change.kind, id: change.targetId },
        request,
      });
    }
  });
}

/**
 * A clinic's site changes only favorites of that clinic: its audit log must not learn which other
 * clinics the patient saved (the marketplace has no such limit).
 */
function onlyThisClinic(site: FavoriteSite, change: FavoriteChange) {
  if (site.clinicId && site.clinicId !== change.clinicId) throw new ValidationError("Only this clinic's services and doctors can be saved here.");
}

/** Removes a favorite; removing one that is not saved changes nothing. */
export async function removeFavorite(db: Db, site: FavoriteSite, change: FavoriteChange, request: AuditRequestContext | null = null): Promise<void> {
  onlyThisClinic(site, change);
  await asPatient(db, site, change.patientAccountId, async (tx) => {
    const removed = await tx.favorite.deleteMany({
      where: { patientAccountId: change.patientAccountId, clinicId: change.clinicId, kind: change.kind, targetId: change.targetId },
    });
    if (removed.count) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "patient", id: change.patientAccountId },
        action: "favorite.removed",
        target: { type: change.kind, id: change.targetId },
        request,
      });
    }
  });
}

/** Keys (`kind:clinicId:targetId`) of the patient's favorites, for showing buttons as pressed. */
export async function favoriteKeys(db: Db, site: FavoriteSite, patientAccountId: string, clinicId?: string): Promise<Set<string>> {
  const rows = await asPatient(db, site, patientAccountId, (tx) =>
    tx.favorite.findMany({ where: { patientAccountId, ...(clinicId ? { clinicId } : {}) }, select: { clinicId: true, kind: true, targetId: true } }),
  );
  return new Set(rows.map((r) => targetKey(r)));
}

export interface SavedFavorite {
  kind: FavoriteKind;
  clinicId: string;
  targetId: string;
  savedAt: Date;
  /** What the catalog publishes about it today; null when it is no longer offered. */
  target: PublishedTarget | null;
}

/** The patient's favorites on this site, newest first, each resolved through the published catalog. */
export async function listFavorites(db: Db, site: FavoriteSite, patientAccountId: string, audit?: AuditRequestContext | null): Promise<SavedFavorite[]> {
  const rows = await asPatient(db, site, patientAccountId, async (tx) => {
    const found = await tx.favorite.findMany({
      where: { patientAccountId, ...(site.clinicId ? { clinicId: site.clinicId } : {}) },
      orderBy: [{ createdAt: "desc" }, { targetId: "asc" }],
      select: { clinicId: true, kind: true, targetId: true, createdAt: true },
    });
    // The patient's view of their own list is recorded like any view of patient data.
    if (audit !== undefined) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "patient", id: patientAccountId },
        action: "patient.favorites_viewed",
        target: { type: "patient_account", id: patientAccountId },
        request: audit,
        details: { count: found.length },
      });
    }
    return found;
  });
  const targets = await resolvePublishedTargets(db, rows);
  return rows.map((r) => ({ kind: r.kind, clinicId: r.clinicId, targetId: r.targetId, savedAt: r.createdAt, target: targets.get(targetKey(r)) ?? null }));
}
