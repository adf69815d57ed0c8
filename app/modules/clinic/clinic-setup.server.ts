/**
 * The owner's changes to the clinic itself: profile and branding, and the logo. Each change is
 * validated, written with its audit row in one transaction, and takes effect on the booking site
 * at once: this server forgets its cached copy of the clinic's site, other servers within seconds
 * (site.server.ts), and the marketplace's published index is rewritten by the database's own
 * triggers on `clinics` in the same transaction (docs/decisions/010-published-search-index.md).
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";
import { recordAudit, type AuditActor, type AuditRequestContext } from "~/modules/audit/audit.server";
import { countryForTimeZone } from "~/lib/phone";
import { forgetCachedSites } from "~/modules/tenancy/site.server";
import type { ClinicDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { checkUploadedLogo, clinicProfileForm, type ClinicProfileInput } from "./branding";

export interface ChangeBy {
  actor: AuditActor;
  request?: AuditRequestContext | null;
}

export type PhoneAnswer = { ok: true; e164: string } | { ok: false; message: string };

/** A clinic or location phone (landline or mobile) in E.164; national numbers in the clinic's country. */
export function normalizeContactPhone(input: string, country?: CountryCode): PhoneAnswer {
  const raw = input.trim();
  if (/[a-z]/i.test(raw))
    return {
      ok: false,
      message: "A phone number can only contain digits, spaces, dashes, brackets and a leading +.",
    };
  const text = raw.startsWith("00") ? `+${raw.slice(2)}` : raw;
  const parsed = parsePhoneNumberFromString(text, text.startsWith("+") ? undefined : country);
  if (!parsed || !parsed.isValid()) {
    return {
      ok: false,
      message: country && !text.startsWith("+") ? "That doesn't look like a valid phone number. Check it, or write it with its country code (+…)." : "Write the number with its country code, such as +1 212 555 0142.",
    };
  }
  return { ok: true, e164: parsed.number };
}

const PROFILE_FIELDS = ["name", "tagline", "description", "contactPhone", "contactEmail", "website", "colorPrimary", "colorAccent"] as const;

/** Saves the profile and branding. Throws ValidationError (with a message per field) and saves nothing when any field is wrong. */
export async function updateClinicProfile(db: ClinicDb, input: ClinicProfileInput, by: ChangeBy) {
  const clinicId = db.clinicId;
  const parsed = clinicProfileForm.safeParse(input);
  const errors = parsed.success ? [] : fieldErrorsFromZod(parsed.error);
  const { timeZone } = await db.tx((tx) =>
    tx.clinic.findUniqueOrThrow({
      where: { id: clinicId },
      select: { timeZone: true },
    })
  );
  let phone: string | null = null;
  if (parsed.success && parsed.data.contactPhone) {
    const answer = normalizeContactPhone(parsed.data.contactPhone, countryForTimeZone(timeZone));
    if (answer.ok) phone = answer.e164;
    else errors.push({ path: "contactPhone", message: answer.message });
  }
  if (!parsed.success || errors.length) throw new ValidationError("Some fields need another look; nothing was saved.", errors);
  const next = { ...parsed.data, contactPhone: phone };

  const saved = await db.tx(async (tx) => {
    const before = await tx.clinic.findUniqueOrThrow({
      where: { id: clinicId },
      select: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, true])) as Record<(typeof PROFILE_FIELDS)[number], true>,
    });
    const changed = PROFILE_FIELDS.filter((f) => before[f] !== next[f]);
    if (!changed.length) return { changed };
    await tx.clinic.update({ where: { id: clinicId }, data: next });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "clinic.profile_updated",
      target: { type: "clinic", id: clinicId },
      request: by.request ?? null,
      // The clinic's public fields only: the before and after of what changed.
      details: {
        changed,
        before: Object.fromEntries(changed.map((f) => [f, before[f]])),
        after: Object.fromEntries(changed.map((f) => [f, next[f]])),
      },
    });
    return { changed };
  });
  forgetCachedSites();
  return saved;
}

/**
 * Replaces the logo with an uploaded picture: PNG, JPEG or WebP by its bytes, at most 1 MB.
 * `logo_updated_at` moves, so the versioned /brand/logo URL changes and no browser keeps the old one.
 */
export async function uploadClinicLogo(db: ClinicDb, bytes: Uint8Array, by: ChangeBy, now = new Date()) {
  const clinicId = db.clinicId;
  const check = checkUploadedLogo(bytes);
  if (!check.ok) throw new ValidationError(check.message, [{ path: "logo", message: check.message }]);
  await db.tx(async (tx) => {
    await tx.clinic.update({
      where: { id: clinicId },
      data: {
        logoData: new Uint8Array(bytes),
        logoType: check.type,
        logoUpdatedAt: now,
      },
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "clinic.logo_updated",
      target: { type: "clinic", id: clinicId },
      request: by.request ?? null,
      details: { type: check.type, bytes: bytes.byteLength },
    });
  });
  forgetCachedSites();
  return { type: check.type, version: now.getTime() };
}

/** Removes the logo; the site shows the clinic's initials on its colour instead. */
export async function removeClinicLogo(db: ClinicDb, by: ChangeBy) {
  const clinicId = db.clinicId;
  const removed = await db.tx(async (tx) => {
    const current = await tx.clinic.findUniqueOrThrow({
      where: { id: clinicId },
      select: { logoType: true },
    });
    if (!current.logoType) return false;
    await tx.clinic.update({
      where: { id: clinicId },
      data: { logoData: null, logoType: null, logoUpdatedAt: null },
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "clinic.logo_removed",
      target: { type: "clinic", id: clinicId },
      request: by.request ?? null,
    });
    return true;
  });
  forgetCachedSites();
  return removed;
}
