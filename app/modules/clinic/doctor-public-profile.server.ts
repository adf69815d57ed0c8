/**
 * What a doctor shows patients on the clinic's site and the marketplace: an introduction, languages
 * and a photo, kept on the doctor's membership here (the photo in a table of its own). The doctor
 * edits their own on their profile page, the owner anyone's on the staff page; both go through
 * these functions, which check the input, save it with its audit row in one transaction, or save
 * nothing and say what to change.
 */
import { fieldErrorsFromList } from "~/lib/form-errors";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { echoValue } from "~/utils/forms.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import type { ChangeBy } from "./clinic-setup.server";
import { checkDoctorPhoto, doctorProfileForm, MAX_BIO_LENGTH, type DoctorProfileInput } from "./doctor-profile-rules";

/** Served by app/routes/doctors.$doctorId_.photo.ts on the clinic's own host. */
export function doctorPhotoUrl(doctorId: string, version: number, origin = ""): string {
  return `${origin}/doctors/${doctorId}/photo?v=${version}`;
}

export interface DoctorPublicProfile {
  /** The doctor's membership id: the id patients' pages and bookings use. */
  doctorId: string;
  name: string;
  bio: string | null;
  languages: string[];
  /** The photo's version (its update time), or null for none. */
  photoVersion: number | null;
}

const NOT_A_DOCTOR = "This person is not a doctor at this clinic. Give them the doctor role first.";

/** This person's active doctor membership here, or null. */
async function doctorRow(tx: Tx, staffUserId: string) {
  return tx.clinicMembership.findFirst({
    where: { staffUserId, role: "doctor", active: true },
    select: { id: true, bio: true, languages: true, staffUser: { select: { name: true } } },
  });
}

export async function getDoctorPublicProfile(db: ClinicDb, staffUserId: string): Promise<DoctorPublicProfile | null> {
  return db.tx(async (tx) => {
    const row = await doctorRow(tx, staffUserId);
    if (!row) return null;
    const photo = await tx.doctorPhoto.findUnique({ where: { clinicId_doctorId: { clinicId: db.clinicId, doctorId: row.id } }, select: { updatedAt: true } });
    return { doctorId: row.id, name: row.staffUser.name, bio: row.bio, languages: row.languages, photoVersion: photo?.updatedAt.getTime() ?? null };
  });
}

/** The public profiles of every active doctor here, by staff user id (the owner's staff page). */
export async function listDoctorPublicProfiles(db: ClinicDb): Promise<Map<string, DoctorPublicProfile>> {
  return db.tx(async (tx) => {
    const rows = await tx.clinicMembership.findMany({
      where: { role: "doctor", active: true },
      select: { id: true, staffUserId: true, bio: true, languages: true, staffUser: { select: { name: true } } },
    });
    const photos = await tx.doctorPhoto.findMany({ select: { doctorId: true, updatedAt: true } });
    const versions = new Map(photos.map((p) => [p.doctorId, p.updatedAt.getTime()]));
    return new Map(rows.map((r) => [r.staffUserId, { doctorId: r.id, name: r.staffUser.name, bio: r.bio, languages: r.languages, photoVersion: versions.get(r.id) ?? null }]));
  });
}

/**
 * Saves the introduction and languages of `staffUserId`'s doctor profile here. Throws a
 * ValidationError with a message per field (bio, languages) and saves nothing when any is wrong.
 */
export async function updateDoctorProfile(db: ClinicDb, staffUserId: string, input: DoctorProfileInput, by: ChangeBy): Promise<{ changed: ("bio" | "languages")[] }> {
  const parsed = doctorProfileForm.safeParse(input);
  if (!parsed.success) throw new ValidationError("Some fields need another look; nothing was saved.", fieldErrorsFromZod(parsed.error));
  const next = parsed.data;
  return db.tx(async (tx) => {
    const row = await doctorRow(tx, staffUserId);
    if (!row) throw new NotFoundError(NOT_A_DOCTOR);
    const changed: ("bio" | "languages")[] = [];
    if (row.bio !== next.bio) changed.push("bio");
    if (row.languages.join("\n") !== next.languages.join("\n")) changed.push("languages");
    if (!changed.length) return { changed };
    await tx.clinicMembership.update({ where: { clinicId_id: { clinicId: db.clinicId, id: row.id } }, data: { bio: next.bio, languages: next.languages } });
    await recordAudit(tx, {
      clinicId: db.clinicId,
      actor: by.actor,
      action: "staff.profile_updated",
      target: { type: "staff_user", id: staffUserId },
      request: by.request ?? null,
      // The introduction is public but long: its length is enough to see what happened.
      details: {
        changed,
        ...(changed.includes("bio") ? { bio: { fromLength: row.bio?.length ?? 0, toLength: next.bio?.length ?? 0 } } : {}),
        ...(changed.includes("languages") ? { languages: { from: row.languages, to: next.languages } } : {}),
      },
    });
    return { changed };
  });
}

/**
 * Replaces the doctor's photo: PNG, JPEG or WebP by its bytes, at most 1 MB. Its update time moves,
 * so the versioned photo URL changes and no browser keeps the old one.
 */
export async function uploadDoctorPhoto(db: ClinicDb, staffUserId: string, bytes: Uint8Array, by: ChangeBy, now = new Date()): Promise<{ version: number }> {
  const check = checkDoctorPhoto(bytes);
  if (!check.ok) throw new ValidationError(check.message, [{ path: "photo", message: check.message }]);
  await db.tx(async (tx) => {
    const row = await doctorRow(tx, staffUserId);
    if (!row) throw new NotFoundError(NOT_A_DOCTOR);
    const data = { data: new Uint8Array(bytes), contentType: check.type, updatedAt: now };
    await tx.doctorPhoto.upsert({
      where: { clinicId_doctorId: { clinicId: db.clinicId, doctorId: row.id } },
      create: { clinicId: db.clinicId, doctorId: row.id, ...data },
      update: data,
      select: { doctorId: true },
    });
    await recordAudit(tx, {
      clinicId: db.clinicId,
      actor: by.actor,
      action: "staff.photo_updated",
      target: { type: "staff_user", id: staffUserId },
      request: by.request ?? null,
      details: { type: check.type, bytes: bytes.byteLength },
    });
  });
  return { version: now.getTime() };
}

/** Removes the doctor's photo; their pages show their initials instead. False when there was none. */
export async function removeDoctorPhoto(db: ClinicDb, staffUserId: string, by: ChangeBy): Promise<boolean> {
  return db.tx(async (tx) => {
    const row = await doctorRow(tx, staffUserId);
    if (!row) throw new NotFoundError(NOT_A_DOCTOR);
    const { count } = await tx.doctorPhoto.deleteMany({ where: { doctorId: row.id } });
    if (!count) return false;
    await recordAudit(tx, { clinicId: db.clinicId, actor: by.actor, action: "staff.photo_removed", target: { type: "staff_user", id: staffUserId }, request: by.request ?? null });
    return true;
  });
}

/** A doctor's photo bytes for the clinic's host (null: no such doctor here, or no photo). */
export async function getDoctorPhoto(db: ClinicDb, doctorId: string): Promise<{ bytes: Uint8Array; contentType: string; version: number } | null> {
  const row = await db.tx(async (tx) => {
    // A former doctor's photo is not shown any more, though it is kept.
    const doctor = await tx.clinicMembership.findFirst({ where: { id: doctorId, role: "doctor", active: true }, select: { id: true } });
    if (!doctor) return null;
    return tx.doctorPhoto.findUnique({ where: { clinicId_doctorId: { clinicId: db.clinicId, doctorId } }, select: { data: true, contentType: true, updatedAt: true } });
  });
  return row ? { bytes: row.data, contentType: row.contentType, version: row.updatedAt.getTime() } : null;
}

export interface DoctorProfileAnswer {
  intent: string;
  ok: boolean;
  message: string;
  /** Field name (bio, languages, photo) → message. */
  errors: Record<string, string>;
  /** What was typed, to fill the form again after a refusal. */
  values?: { bio: string; languages: string };
  status: number;
}

/**
 * One submit of the doctor-profile forms (intent "doctor-profile", "doctor-photo" or
 * "remove-doctor-photo") for `staffUserId`, answered in words for the page: a refusal keeps what
 * was typed and says what to change next to the field; nothing is half-saved.
 */
export async function answerDoctorProfileForm(db: ClinicDb, staffUserId: string, intent: string, form: Record<string, FormDataEntryValue | FormDataEntryValue[]>, by: ChangeBy): Promise<DoctorProfileAnswer> {
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  try {
    switch (intent) {
      case "doctor-profile": {
        const { changed } = await updateDoctorProfile(db, staffUserId, { bio: text("bio"), languages: text("languages") }, by);
        return { intent, ok: true, message: changed.length ? "Saved. Patients see it on the doctor's page now." : "Nothing had changed.", errors: {}, status: 200 };
      }
      case "doctor-photo": {
        const file = form.photo;
        if (!file || typeof file === "string" || Array.isArray(file) || file.size === 0) {
          return { intent, ok: false, message: "Choose a photo to upload.", errors: { photo: "Choose a PNG, JPEG or WebP file." }, status: 422 };
        }
        await uploadDoctorPhoto(db, staffUserId, new Uint8Array(await file.arrayBuffer()), by);
        return { intent, ok: true, message: "The new photo is on the doctor's page.", errors: {}, status: 200 };
      }
      case "remove-doctor-photo": {
        const removed = await removeDoctorPhoto(db, staffUserId, by);
        return { intent, ok: true, message: removed ? "The photo was removed; patients see the initials." : "There was no photo to remove.", errors: {}, status: 200 };
      }
      default:
        return { intent, ok: false, message: "Unknown action.", errors: {}, status: 400 };
    }
  } catch (error) {
    const values = intent === "doctor-profile" ? { bio: echoValue(text("bio"), MAX_BIO_LENGTH + 100), languages: echoValue(text("languages"), 400) } : undefined;
    if (error instanceof ValidationError) return { intent, ok: false, message: error.detail, errors: fieldErrorsFromList(error.errors), values, status: 422 };
    if (error instanceof NotFoundError) return { intent, ok: false, message: error.detail, errors: {}, status: 404 };
    throw error;
  }
}
