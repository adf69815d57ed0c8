/**
 * Provisions a clinic from a folder (`tenant.json` + logo): creates it the first time and brings it
 * in line with the folder on every later run, without ever duplicating a row. Used by the demo
 * seed, `npm start`'s first run and `npm run cli -- tenant import <folder>`.
 *
 * Rows with an identity of their own (locations, rooms, service categories, services) are matched
 * by key, so their ids and bookings survive a rename. Rows that only describe them (discounts,
 * which doctors and locations offer a service, where doctors work, weekly hours, exceptions) are
 * replaced as a whole in the same transaction.
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { hashPassword } from "~/modules/auth/password.server";
import type { StaffRole } from "~/generated/prisma/enums";
import { zonedToUtc } from "~/lib/zoned-time";
import type { Db, Tx } from "~/utils/db.server";
import { minutesOf, WEEKDAYS } from "./opening-hours";
import { toMinorUnits } from "~/lib/money";
import { splitLanguages } from "~/modules/clinic/doctor-profile-rules";
import { formatPath, parseOperators, parseTenant, type TenantDefinition, type TenantScheduleException } from "./tenant-schema";

export const TENANT_FILE = "tenant.json";
export const OPERATORS_FILE = "operators.json";
export const MAX_LOGO_BYTES = 512 * 1024;
/** Shown in the logins list for platform operators, who sign in on the marketplace host. */
export const PLATFORM_LOGIN_LABEL = "(platform admin)";

export interface StaffLogin {
  clinic: string;
  email: string;
  password: string;
  role: string;
}

export interface TenantImportResult {
  clinicId: string;
  slug: string;
  created: boolean;
  /** Staff whose definition carries a demo password. */
  logins: StaffLogin[];
  logoChanged: boolean;
  /**
   * What the folder no longer lists. A service or room with appointments stays for its history,
   * marked inactive, and is listed here too.
   */
  removed: {
    locations: string[];
    domains: string[];
    roles: { email: string; role: StaffRole }[];
    serviceCategories: string[];
    rooms: string[];
    services: string[];
  };
}

/** A folder that cannot be imported; the message says what to fix (no stack trace needed). */
export class TenantImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantImportError";
  }
}

export interface ClinicLogo {
  data: Uint8Array<ArrayBuffer>;
  type: "image/svg+xml" | "image/png" | "image/jpeg" | "image/webp";
}

const LOGO_TYPE_BY_EXTENSION: Record<string, ClinicLogo["type"]> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
};

async function readJson(file: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new TenantImportError(`${file} does not exist`);
    throw new TenantImportError(`${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new TenantImportError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** What the bytes are, judged by their content rather than the file name. */
function sniffImageType(bytes: Buffer): ClinicLogo["type"] | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  const head = bytes.subarray(0, 4096).toString("utf8").replace(/^\uFEFF/, "");
  if (/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return "image/svg+xml";
  return null;
}

/**
 * The logo is served from the clinic's own host, so an SVG must be a picture and nothing more:
 * no scripts, event handlers, embedded HTML or javascript: links.
 */
function svgProblem(bytes: Buffer): string | null {
  const svg = bytes.toString("utf8");
  if (/<script[\s>]/i.test(svg)) return "contains a <script> element";
  if (/<foreignObject[\s>]/i.test(svg)) return "contains a <foreignObject> element";
  if (/\son[a-z]+\s*=/i.test(svg)) return "contains an event handler attribute (on…=)";
  if (/javascript:/i.test(svg)) return "contains a javascript: link";
  return null;
}

export async function readClinicLogo(folder: string, fileName: string): Promise<ClinicLogo> {
  const file = path.join(folder, fileName);
  const where = `branding.logo: ${file}`;
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new TenantImportError(`${where} is not a file`);
    if (stat.size > MAX_LOGO_BYTES) throw new TenantImportError(`${where} is ${Math.ceil(stat.size / 1024)} KB; a logo may be at most 512 KB`);
    bytes = await fs.readFile(file);
  } catch (error) {
    if (error instanceof TenantImportError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new TenantImportError(`${where} does not exist`);
    throw new TenantImportError(`${where} cannot be read: ${(error as Error).message}`);
  }
  const declared = LOGO_TYPE_BY_EXTENSION[path.extname(fileName).toLowerCase()];
  const actual = sniffImageType(bytes);
  if (!actual) throw new TenantImportError(`${where} is not an SVG, PNG, JPEG or WebP image`);
  if (actual !== declared) throw new TenantImportError(`${where} contains ${actual} but its name ends in ${path.extname(fileName)}`);
  if (actual === "image/svg+xml") {
    const problem = svgProblem(bytes);
    if (problem) throw new TenantImportError(`${where} ${problem}; a logo must be a plain picture`);
  }
  return { data: new Uint8Array(bytes), type: actual };
}

export interface TenantFolder {
  folder: string;
  definition: TenantDefinition;
  logo: ClinicLogo | null;
}

/** Reads and validates a clinic folder without touching the database. */
export async function readTenantFolder(folder: string): Promise<TenantFolder> {
  const dir = path.resolve(folder);
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new TenantImportError(`No clinic folder at ${dir}`);
  if (!stat.isDirectory()) throw new TenantImportError(`${dir} is not a folder; give the folder that holds ${TENANT_FILE}`);
  const file = path.join(dir, TENANT_FILE);
  const definition = parseTenant(await readJson(file), file);
  const logo = definition.branding.logo ? await readClinicLogo(dir, definition.branding.logo) : null;
  return { folder: dir, definition, logo };
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined) {
  if (!a || !b) return !a && !b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A password nobody knows: the person sets their own through the reset link. */
async function unusablePasswordHash() {
  return hashPassword(randomBytes(32).toString("base64url"));
}

/**
 * Finds the staff user by email or creates one. An existing user's password is never touched:
 * people change their demo password, and a re-import must not undo that.
 */
async function ensureStaffUser(tx: Tx, person: { email: string; name: string; password?: string }) {
  const existing = await tx.staffUser.findUnique({ where: { email: person.email }, select: { id: true, name: true } });
  if (existing) {
    if (existing.name !== person.name) await tx.staffUser.update({ where: { id: existing.id }, data: { name: person.name } });
    return { id: existing.id, created: false };
  }
  const passwordHash = person.password ? await hashPassword(person.password) : await unusablePasswordHash();
  const created = await tx.staffUser.create({ data: { email: person.email, name: person.name, passwordHash }, select: { id: true } });
  return { id: created.id, created: true };
}

function loginsOf(definition: TenantDefinition): StaffLogin[] {
  return definition.staff
    .filter((s) => s.password)
    .map((s) => ({ clinic: definition.slug, email: s.email, password: s.password!, role: s.roles.join("+") }));
}

/**
 * Creates or updates the clinic a folder describes, in one transaction in the clinic's scope:
 * the clinic, its locations (by key; unlisted ones are removed), custom domains, staff users and
 * their memberships (one per role; unlisted roles are removed), and an audit event.
 */
export async function importTenantFolder(db: Db, folder: string): Promise<TenantImportResult> {
  const { folder: dir, definition: t, logo } = await readTenantFolder(folder);

  // The clinic's id decides its scope, so find it (and any clash over its domains) first.
  const [existing, claimedDomains] = await db.system("tenant import").tx((tx) =>
    Promise.all([
      tx.clinic.findUnique({ where: { slug: t.slug }, select: { id: true } }),
      t.domains.length
        ? tx.clinicDomain.findMany({ where: { host: { in: t.domains } }, select: { host: true, clinicId: true, clinic: { select: { slug: true } } } })
        : Promise.resolve([]),
    ]),
  );
  const clinicId = existing?.id ?? randomUUID();
  const clash = claimedDomains.find((d) => d.clinicId !== clinicId);
  if (clash) throw new TenantImportError(`domains: ${clash.host} already belongs to the clinic "${clash.clinic.slug}"; remove it there first`);

  return db.forClinic(clinicId).tx(
    async (tx) => {
      const current = existing ? await tx.clinic.findUnique({ where: { id: clinicId }, select: { logoData: true, logoType: true } }) : null;
      const logoChanged = !sameBytes(current?.logoData, logo?.data) || (current?.logoType ?? null) !== (logo?.type ?? null);
      const clinicFields = {
        slug: t.slug,
        name: t.name,
        timeZone: t.timeZone,
        currency: t.currency,
        status: t.status,
        tagline: t.branding.tagline ?? null,
        description: t.description,
        colorPrimary: t.branding.primaryColor,
        colorAccent: t.branding.accentColor,
        contactPhone: t.contacts.phone,
        contactEmail: t.contacts.email,
        website: t.contacts.website ?? null,
        city: t.city,
        specialties: t.specialties,
        // Only a new picture moves logoUpdatedAt, which versions the cached /brand/logo URL.
        ...(logoChanged ? { logoData: logo?.data ?? null, logoType: logo?.type ?? null, logoUpdatedAt: logo ? new Date() : null } : {}),
      };
      if (existing) await tx.clinic.update({ where: { id: clinicId }, data: clinicFields });
      else await tx.clinic.create({ data: { id: clinicId, ...clinicFields } });

      // Locations, matched by key so a renamed location keeps its id (and later its bookings).
      for (const l of t.locations) {
        const fields = {
          name: l.name,
          addressLine1: l.address.line1,
          addressLine2: l.address.line2 ?? null,
          city: l.address.city,
          region: l.address.region ?? null,
          postalCode: l.address.postalCode,
          country: l.address.country,
          latitude: l.coordinates.lat,
          longitude: l.coordinates.lng,
          phone: l.phone,
          openingHours: l.openingHours,
        };
        await tx.location.upsert({ where: { clinicId_key: { clinicId, key: l.key } }, create: { clinicId, key: l.key, ...fields }, update: fields });
      }
      const keys = t.locations.map((l) => l.key);
      const staleLocations = await tx.location.findMany({ where: { clinicId, key: { notIn: keys } }, select: { id: true, key: true }, orderBy: { key: "asc" } });
      if (staleLocations.length) {
        const booked = await bookedCount(tx, clinicId, "location_id", staleLocations.map((l) => l.id));
        const kept = staleLocations.find((l) => booked.has(l.id));
        if (kept) {
          throw new TenantImportError(`locations: "${kept.key}" has ${appointments(booked.get(kept.id)!)} and cannot be removed; keep it listed so its history stays intact`);
        }
        await tx.location.deleteMany({ where: { clinicId, id: { in: staleLocations.map((l) => l.id) } } });
      }

      // Custom domains: add the new ones, drop the unlisted ones, keep verification of the rest.
      const domains = await tx.clinicDomain.findMany({ where: { clinicId }, select: { host: true } });
      const have = new Set(domains.map((d) => d.host));
      // A tenant folder is provisioned by the platform, which vouches for its domains: they are
      // verified on import (domains a clinic adds itself wait for verification).
      for (const host of t.domains) if (!have.has(host)) await tx.clinicDomain.create({ data: { clinicId, host, verifiedAt: new Date() } });
      await tx.clinicDomain.updateMany({ where: { clinicId, host: { in: t.domains }, verifiedAt: null }, data: { verifiedAt: new Date() } });
      const staleDomains = domains.map((d) => d.host).filter((h) => !t.domains.includes(h));
      if (staleDomains.length) await tx.clinicDomain.deleteMany({ where: { clinicId, host: { in: staleDomains } } });

      // Staff and their roles in this clinic: one membership row per role.
      const wanted = new Set<string>();
      let staffCreated = 0;
      for (const person of t.staff) {
        const user = await ensureStaffUser(tx, person);
        if (user.created) staffCreated++;
        for (const role of person.roles) {
          wanted.add(`${user.id}:${role}`);
          const doctor = role === "doctor";
          const fields = {
            specialty: doctor ? (person.specialty ?? null) : null,
            workStatus: doctor ? (person.workStatus ?? "active") : null,
            // An introduction and languages the definition does not give are left as the clinic edited them.
            ...(doctor && person.bio !== undefined ? { bio: person.bio || null } : {}),
            ...(doctor && person.languages !== undefined ? { languages: splitLanguages(person.languages.join(",")) } : {}),
          };
          await tx.clinicMembership.upsert({
            where: { clinicId_staffUserId_role: { clinicId, staffUserId: user.id, role } },
            create: { clinicId, staffUserId: user.id, role, ...fields },
            update: fields,
          });
        }
      }
      const memberships = await tx.clinicMembership.findMany({
        where: { clinicId },
        select: { id: true, staffUserId: true, role: true, staffUser: { select: { email: true } } },
      });
      const staleRoles = memberships.filter((m) => !wanted.has(`${m.staffUserId}:${m.role}`));
      if (staleRoles.length) {
        const booked = await bookedCount(tx, clinicId, "doctor_id", staleRoles.filter((m) => m.role === "doctor").map((m) => m.id));
        const kept = staleRoles.find((m) => booked.has(m.id));
        if (kept) {
          throw new TenantImportError(
            `staff: ${kept.staffUser.email} has ${appointments(booked.get(kept.id)!)} as a doctor, so the doctor role cannot be removed; set "workStatus": "inactive" instead`,
          );
        }
        await tx.clinicMembership.deleteMany({ where: { clinicId, id: { in: staleRoles.map((m) => m.id) } } });
      }

      const doctorIds = new Map(memberships.filter((m) => m.role === "doctor" && wanted.has(`${m.staffUserId}:doctor`)).map((m) => [m.staffUser.email, m.id]));
      const scheduling = await importScheduling(tx, clinicId, t, doctorIds);

      const removed = {
        locations: staleLocations.map((l) => l.key),
        domains: staleDomains,
        roles: staleRoles.map((m) => ({ email: m.staffUser.email, role: m.role })),
        ...scheduling.removed,
      };
      await tx.auditEvent.create({
        data: {
          clinicId,
          actorType: "system",
          actorId: "tenant-import",
          action: "tenant.imported",
          targetType: "clinic",
          targetId: clinicId,
          details: {
            folder: dir,
            created: !existing,
            logoChanged,
            locations: keys,
            domains: t.domains,
            staff: t.staff.length,
            staffCreated,
            scheduling: scheduling.counts,
            removed,
          },
        },
      });
      return { clinicId, slug: t.slug, created: !existing, logins: loginsOf(t), logoChanged, removed };
    },
    // Hashing the passwords of new staff takes a moment each.
    { timeoutMs: 120_000 },
  );
}

const appointments = (n: number) => `${n} appointment${n === 1 ? "" : "s"}`;

/** Appointments per referenced row, for refusing to remove what a booking points at. */
async function bookedCount(tx: Tx, clinicId: string, column: "location_id" | "doctor_id" | "service_id" | "room_id", ids: string[]) {
  if (ids.length === 0) return new Map<string, number>();
  const rows = await tx.$queryRawUnsafe<{ id: string; n: number }[]>(
    `SELECT ${column}::text AS id, count(*)::int AS n FROM appointments WHERE clinic_id = $1::uuid AND ${column} = ANY($2::uuid[]) GROUP BY ${column}`,
    clinicId,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

const localDay = (date: string) => new Date(`${date}T00:00:00Z`);
const isoWeekday = (day: (typeof WEEKDAYS)[number]) => WEEKDAYS.indexOf(day) + 1;

/**
 * The instants an exception covers. A holiday runs from local midnight to the next local midnight,
 * however long that day is on a daylight-saving change.
 */
function exceptionSpan(exception: TenantScheduleException, timeZone: string): { startsAt: Date; endsAt: Date } {
  if (exception.kind === "extra_hours") {
    return { startsAt: zonedToUtc(exception.on, minutesOf(exception.start), timeZone), endsAt: zonedToUtc(exception.on, minutesOf(exception.end), timeZone) };
  }
  return {
    startsAt: zonedToUtc(exception.startsOn, minutesOf(exception.start ?? "00:00"), timeZone),
    // "24:00" is the next day's local midnight.
    endsAt: zonedToUtc(exception.endsOn ?? exception.startsOn, minutesOf(exception.end ?? "24:00"), timeZone),
  };
}

/**
 * Service categories, rooms and services by key; then discounts, the doctors and locations of each
 * service, where each doctor works, weekly hours and exceptions, replaced as a whole.
 */
async function importScheduling(tx: Tx, clinicId: string, t: TenantDefinition, doctorIds: Map<string, string>) {
  const locationIds = new Map((await tx.location.findMany({ where: { clinicId }, select: { id: true, key: true } })).map((l) => [l.key, l.id]));
  const locationId = (key: string) => locationIds.get(key)!;
  const doctorId = (email: string) => doctorIds.get(email)!;

  const categoryIds = new Map<string, string>();
  for (const [position, c] of t.serviceCategories.entries()) {
    const row = await tx.serviceCategory.upsert({
      where: { clinicId_key: { clinicId, key: c.key } },
      create: { clinicId, key: c.key, name: c.name, position },
      update: { name: c.name, position },
      select: { id: true },
    });
    categoryIds.set(c.key, row.id);
  }
  // Services of a removed category simply lose it (ON DELETE SET NULL).
  const staleCategories = await tx.serviceCategory.findMany({ where: { clinicId, key: { notIn: [...categoryIds.keys()] } }, select: { key: true }, orderBy: { key: "asc" } });
  if (staleCategories.length) await tx.serviceCategory.deleteMany({ where: { clinicId, key: { in: staleCategories.map((c) => c.key) } } });

  for (const room of t.rooms) {
    const fields = { name: room.name, locationId: locationId(room.location), type: room.type, active: true };
    await tx.room.upsert({ where: { clinicId_key: { clinicId, key: room.key } }, create: { clinicId, key: room.key, ...fields }, update: fields });
  }
  // A room that was booked stays (inactive) so its appointments keep pointing at it.
  const staleRooms = await tx.room.findMany({ where: { clinicId, key: { notIn: t.rooms.map((r) => r.key) } }, select: { id: true, key: true }, orderBy: { key: "asc" } });
  const bookedRooms = await bookedCount(tx, clinicId, "room_id", staleRooms.map((r) => r.id));
  const [keptRooms, droppedRooms] = partition(staleRooms, (r) => bookedRooms.has(r.id));
  if (keptRooms.length) await tx.room.updateMany({ where: { clinicId, id: { in: keptRooms.map((r) => r.id) } }, data: { active: false } });
  if (droppedRooms.length) await tx.room.deleteMany({ where: { clinicId, id: { in: droppedRooms.map((r) => r.id) } } });

  const serviceIds = new Map<string, string>();
  for (const [position, s] of t.services.entries()) {
    const fields = {
      categoryId: s.category ? categoryIds.get(s.category)! : null,
      name: s.name,
      description: s.description ?? null,
      specialty: s.specialty ?? null,
      durationMin: s.durationMin,
      priceMinor: toMinorUnits(s.price, t.currency),
      depositKind: s.deposit.kind,
      depositValue: s.deposit.kind === "fixed" ? toMinorUnits(s.deposit.value, t.currency) : s.deposit.kind === "percent" ? s.deposit.value : 0,
      bufferBeforeMin: s.bufferBeforeMin,
      bufferAfterMin: s.bufferAfterMin,
      startGridMin: s.startGridMin,
      roomType: s.roomType ?? null,
      minNoticeMin: s.minNoticeMin,
      horizonDays: s.horizonDays,
      cancellationWindowMin: s.cancellationWindowHours * 60,
      requiresApproval: s.requiresApproval,
      visibility: s.visibility,
      seasonFrom: s.season ? localDay(s.season.startsOn) : null,
      seasonTo: s.season ? localDay(s.season.endsOn) : null,
      preparationNotes: s.preparationNotes ?? null,
      visitReasons: s.visitReasons ?? [],
      position,
    };
    const row = await tx.service.upsert({
      where: { clinicId_key: { clinicId, key: s.key } },
      create: { clinicId, key: s.key, ...fields },
      update: fields,
      select: { id: true },
    });
    serviceIds.set(s.key, row.id);
  }
  // A booked service is retired (inactive, no doctors or locations) rather than deleted.
  const staleServices = await tx.service.findMany({ where: { clinicId, key: { notIn: [...serviceIds.keys()] } }, select: { id: true, key: true }, orderBy: { key: "asc" } });
  const bookedServices = await bookedCount(tx, clinicId, "service_id", staleServices.map((s) => s.id));
  const [keptServices, droppedServices] = partition(staleServices, (s) => bookedServices.has(s.id));
  if (keptServices.length) await tx.service.updateMany({ where: { clinicId, id: { in: keptServices.map((s) => s.id) } }, data: { visibility: "inactive", seasonFrom: null, seasonTo: null } });
  if (droppedServices.length) await tx.service.deleteMany({ where: { clinicId, id: { in: droppedServices.map((s) => s.id) } } });

  // Everything below describes the rows above and carries no identity of its own: replace it.
  await tx.serviceDiscount.deleteMany({ where: { clinicId } });
  await tx.serviceDoctor.deleteMany({ where: { clinicId } });
  await tx.serviceLocation.deleteMany({ where: { clinicId } });
  await tx.doctorLocation.deleteMany({ where: { clinicId } });
  await tx.availabilityRule.deleteMany({ where: { clinicId } });
  await tx.scheduleException.deleteMany({ where: { clinicId } });

  const discounts = t.services.flatMap((s) =>
    s.discounts.map((d) => ({
      clinicId,
      serviceId: serviceIds.get(s.key)!,
      kind: d.kind,
      label: d.label,
      percent: d.percent,
      startsOn: d.kind === "seasonal" ? localDay(d.startsOn) : null,
      endsOn: d.kind === "seasonal" ? localDay(d.endsOn) : null,
      weekdays: d.kind === "weekday" ? d.weekdays : [],
      fromMinute: d.kind === "off_peak" ? minutesOf(d.from) : null,
      toMinute: d.kind === "off_peak" ? minutesOf(d.to) : null,
    })),
  );
  const serviceDoctors = t.services.flatMap((s) => s.doctors.map((email) => ({ clinicId, serviceId: serviceIds.get(s.key)!, doctorId: doctorId(email) })));
  const serviceLocations = t.services.flatMap((s) => s.locations.map((key) => ({ clinicId, serviceId: serviceIds.get(s.key)!, locationId: locationId(key) })));
  const rules = t.schedules.flatMap((schedule) =>
    schedule.hours.map((h) => ({
      clinicId,
      doctorId: doctorId(schedule.doctor),
      locationId: locationId(h.location),
      weekday: isoWeekday(h.weekday),
      startMinute: minutesOf(h.start),
      endMinute: minutesOf(h.end),
      breaks: h.breaks.map((b) => ({ start: b.start, end: b.end })),
      effectiveFrom: h.effectiveFrom ? localDay(h.effectiveFrom) : null,
      effectiveTo: h.effectiveTo ? localDay(h.effectiveTo) : null,
    })),
  );
  // A doctor works where their weekly hours say.
  const doctorLocations = [...new Set(rules.map((r) => `${r.doctorId} ${r.locationId}`))].map((pair) => {
    const [doctor, location] = pair.split(" ") as [string, string];
    return { clinicId, doctorId: doctor, locationId: location };
  });
  const exceptions = t.exceptions.map((e, i) => {
    const { startsAt, endsAt } = exceptionSpan(e, t.timeZone);
    if (startsAt >= endsAt) {
      throw new TenantImportError(`${formatPath(["exceptions", i])}: in ${t.timeZone} this falls entirely inside a daylight-saving gap; choose times that exist on that day`);
    }
    return {
      clinicId,
      kind: e.kind,
      doctorId: e.kind === "closure" ? null : doctorId(e.doctor),
      locationId: e.kind === "time_off" || e.location === undefined ? null : locationId(e.location),
      startsAt,
      endsAt,
      reason: e.reason ?? null,
    };
  });

  if (discounts.length) await tx.serviceDiscount.createMany({ data: discounts });
  if (serviceDoctors.length) await tx.serviceDoctor.createMany({ data: serviceDoctors });
  if (serviceLocations.length) await tx.serviceLocation.createMany({ data: serviceLocations });
  if (doctorLocations.length) await tx.doctorLocation.createMany({ data: doctorLocations });
  if (rules.length) await tx.availabilityRule.createMany({ data: rules });
  if (exceptions.length) await tx.scheduleException.createMany({ data: exceptions });

  return {
    removed: {
      serviceCategories: staleCategories.map((c) => c.key),
      rooms: staleRooms.map((r) => r.key),
      services: staleServices.map((s) => s.key),
    },
    counts: {
      serviceCategories: t.serviceCategories.length,
      rooms: t.rooms.length,
      services: t.services.length,
      discounts: discounts.length,
      availabilityRules: rules.length,
      exceptions: exceptions.length,
    },
  };
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/**
 * Creates the platform operators listed in operators.json (staff users with an operator row).
 * Operators missing from the file are left alone: this file seeds, it does not demote.
 */
export async function importOperators(db: Db, file: string): Promise<StaffLogin[]> {
  const operators = parseOperators(await readJson(file), file);
  await db.forPlatform().tx(
    async (tx) => {
      for (const operator of operators) {
        const user = await ensureStaffUser(tx, operator);
        const existing = await tx.platformOperator.findUnique({ where: { staffUserId: user.id }, select: { id: true } });
        if (existing) continue;
        await tx.platformOperator.create({ data: { staffUserId: user.id } });
        await tx.auditEvent.create({
          data: { clinicId: null, actorType: "system", actorId: "tenant-import", action: "operator.granted", targetType: "staff_user", targetId: user.id, details: { email: operator.email } },
        });
      }
    },
    { timeoutMs: 120_000 },
  );
  return operators.filter((o) => o.password).map((o) => ({ clinic: PLATFORM_LOGIN_LABEL, email: o.email, password: o.password!, role: "operator" }));
}

/** Every sub-folder of `tenantsDir` that holds a tenant.json, in name order. */
export async function listTenantFolders(tenantsDir: string) {
  const entries = await fs.readdir(tenantsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new TenantImportError(`No tenants folder at ${tenantsDir}`);
    throw error;
  });
  const folders: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(tenantsDir, entry.name);
    if (await fs.stat(path.join(folder, TENANT_FILE)).catch(() => null)) folders.push(folder);
  }
  return folders;
}

