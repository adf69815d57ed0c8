/**
 * The owner's services: the list, one service with everything its form needs, and saving it. A
 * save writes the service, its discounts, eligible doctors and locations and the audit row in ONE
 * transaction; the published marketplace index is rebuilt inside that same transaction by the
 * database's own refresh (refresh_published_services, run by the triggers on services,
 * service_discounts and service_locations; docs/decisions/010), so the booking site and the
 * marketplace see the change the moment it commits.
 */
import type { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActorOf, type Actor } from "~/lib/actor";
import { isUuid } from "~/modules/scheduling/schedule-data.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import type { DiscountInput, FieldErrors, ServiceInput } from "./service-form";

export interface ServiceListRow {
  id: string;
  name: string;
  category: string | null;
  visibility: ServiceInput["visibility"];
  durationMin: number;
  priceMinor: number;
  depositKind: ServiceInput["depositKind"];
  depositValue: number;
  discountCount: number;
  requiresApproval: boolean;
  doctors: string[];
}

export interface EditorChoices {
  doctors: { id: string; name: string; specialty: string | null; workStatus: string | null }[];
  locations: { id: string; name: string; roomTypes: string[] }[];
  categories: { id: string; name: string }[];
}

export interface ServiceRecord extends ServiceInput {
  id: string;
  key: string;
  updatedAt: string;
}

const isoDate = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const dateValue = (v: string | null) => (v ? new Date(`${v}T00:00:00Z`) : null);

async function doctorNames(tx: Tx): Promise<Map<string, { name: string; specialty: string | null; workStatus: string | null; active: boolean }>> {
  const rows = await tx.clinicMembership.findMany({ where: { role: "doctor" }, select: { id: true, specialty: true, workStatus: true, active: true, staffUser: { select: { name: true } } } });
  return new Map(rows.map((r) => [r.id, { name: r.staffUser.name, specialty: r.specialty, workStatus: r.workStatus, active: r.active }]));
}

export async function listServices(db: ClinicDb): Promise<ServiceListRow[]> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const services = await tx.service.findMany({ where: { clinicId }, orderBy: [{ position: "asc" }, { name: "asc" }, { id: "asc" }] });
    const categories = new Map((await tx.serviceCategory.findMany({ where: { clinicId } })).map((c) => [c.id, c.name]));
    const links = await tx.serviceDoctor.findMany({ where: { clinicId } });
    const discounts = await tx.serviceDiscount.groupBy({ by: ["serviceId"], where: { clinicId }, _count: { _all: true } });
    const names = await doctorNames(tx);
    const discountCount = new Map(discounts.map((d) => [d.serviceId, d._count._all]));
    return services.map((s) => ({
      id: s.id,
      name: s.name,
      category: s.categoryId ? (categories.get(s.categoryId) ?? null) : null,
      visibility: s.visibility,
      durationMin: s.durationMin,
      priceMinor: s.priceMinor,
      depositKind: s.depositKind,
      depositValue: s.depositValue,
      discountCount: discountCount.get(s.id) ?? 0,
      requiresApproval: s.requiresApproval,
      doctors: links
        .filter((l) => l.serviceId === s.id && names.get(l.doctorId)?.active)
        .map((l) => names.get(l.doctorId)!.name)
        .sort((a, b) => a.localeCompare(b)),
    }));
  });
}

export async function editorChoices(db: ClinicDb): Promise<EditorChoices> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const names = await doctorNames(tx);
    const locations = await tx.location.findMany({ where: { clinicId }, orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: { id: true, name: true } });
    const rooms = await tx.room.findMany({ where: { clinicId, active: true }, select: { locationId: true, type: true } });
    const categories = await tx.serviceCategory.findMany({ where: { clinicId }, orderBy: [{ position: "asc" }, { name: "asc" }], select: { id: true, name: true } });
    return {
      doctors: [...names]
        .filter(([, d]) => d.active)
        .map(([id, d]) => ({ id, name: d.name, specialty: d.specialty, workStatus: d.workStatus }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      locations: locations.map((l) => ({ ...l, roomTypes: [...new Set(rooms.filter((r) => r.locationId === l.id).map((r) => r.type))].sort() })),
      categories,
    };
  });
}

export async function getService(db: ClinicDb, serviceId: string): Promise<ServiceRecord> {
  const clinicId = db.clinicId;
  if (!isUuid(serviceId)) throw new NotFoundError("There is no such service at this clinic.");
  return db.tx((tx) => readService(tx, clinicId, serviceId));
}

async function readService(tx: Tx, clinicId: string, serviceId: string): Promise<ServiceRecord> {
  const s = await tx.service.findUnique({ where: { clinicId_id: { clinicId, id: serviceId } } });
  if (!s) throw new NotFoundError("There is no such service at this clinic.");
  const doctors = await tx.serviceDoctor.findMany({ where: { clinicId, serviceId }, orderBy: { doctorId: "asc" } });
  const locations = await tx.serviceLocation.findMany({ where: { clinicId, serviceId }, orderBy: { locationId: "asc" } });
  const discounts = await tx.serviceDiscount.findMany({ where: { clinicId, serviceId }, orderBy: [{ percent: "desc" }, { label: "asc" }, { id: "asc" }] });
  return {
    id: s.id,
    key: s.key,
    updatedAt: s.updatedAt.toISOString(),
    name: s.name,
    specialty: s.specialty,
    categoryId: s.categoryId,
    description: s.description,
    durationMin: s.durationMin,
    priceMinor: s.priceMinor,
    depositKind: s.depositKind,
    depositValue: s.depositValue,
    bufferBeforeMin: s.bufferBeforeMin,
    bufferAfterMin: s.bufferAfterMin,
    startGridMin: s.startGridMin,
    roomType: s.roomType,
    minNoticeMin: s.minNoticeMin,
    horizonDays: s.horizonDays,
    cancellationWindowMin: s.cancellationWindowMin,
    requiresApproval: s.requiresApproval,
    visibility: s.visibility,
    seasonFrom: isoDate(s.seasonFrom),
    seasonTo: isoDate(s.seasonTo),
    preparationNotes: s.preparationNotes,
    visitReasons: s.visitReasons,
    doctorIds: doctors.map((d) => d.doctorId),
    locationIds: locations.map((l) => l.locationId),
    discounts: discounts.map(
      (d): DiscountInput => ({
        kind: d.kind,
        label: d.label,
        percent: d.percent,
        startsOn: isoDate(d.startsOn),
        endsOn: isoDate(d.endsOn),
        weekdays: d.weekdays,
        fromMinute: d.fromMinute,
        toMinute: d.toMinute,
      }),
    ),
  };
}

export type SaveServiceAnswer = { ok: true; serviceId: string } | { ok: false; errors: FieldErrors };

/** Checks that need the clinic's rows: ids that belong to it, a room of the required type where the service is offered. */
async function checkAgainstClinic(tx: Tx, clinicId: string, input: ServiceInput): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const names = await doctorNames(tx);
  const notDoctors = input.doctorIds.filter((id) => !names.get(id)?.active);
  if (notDoctors.length > 0) errors.doctors = "One of the ticked doctors does not work at this clinic any more. Reload the page and choose again.";
  else if (input.visibility !== "inactive" && !input.doctorIds.some((id) => names.get(id)?.workStatus === "active"))
    errors.doctors = "Every ticked doctor is on leave or inactive, so nobody could be booked. Tick a doctor who is working, or make the service inactive.";
  const locations = await tx.location.findMany({ where: { clinicId, id: { in: input.locationIds } }, select: { id: true, name: true } });
  if (locations.length !== input.locationIds.length) errors.locations = "One of the ticked locations does not exist at this clinic. Reload the page and choose again.";
  if (input.categoryId && !(await tx.serviceCategory.findUnique({ where: { clinicId_id: { clinicId, id: input.categoryId } }, select: { id: true } }))) errors.categoryId = "Choose a category from the list.";
  if (input.roomType && input.visibility !== "inactive" && locations.length > 0) {
    const rooms = await tx.room.findMany({ where: { clinicId, active: true, type: input.roomType, locationId: { in: input.locationIds } }, select: { locationId: true } });
    const without = locations.filter((l) => !rooms.some((r) => r.locationId === l.id)).map((l) => l.name);
    if (without.length === locations.length) errors.roomType = `None of the ticked locations has an active room of this type, so the service could never be booked.`;
    else if (without.length > 0) errors.roomType = `${without.join(" and ")} ${without.length === 1 ? "has" : "have"} no active room of this type. Untick ${without.length === 1 ? "it" : "them"} or choose another room type.`;
  }
  return errors;
}

function serviceColumns(input: ServiceInput) {
  return {
    name: input.name,
    specialty: input.specialty,
    categoryId: input.categoryId,
    description: input.description,
    durationMin: input.durationMin,
    priceMinor: input.priceMinor,
    depositKind: input.depositKind,
    depositValue: input.depositValue,
    bufferBeforeMin: input.bufferBeforeMin,
    bufferAfterMin: input.bufferAfterMin,
    startGridMin: input.startGridMin,
    roomType: input.roomType,
    minNoticeMin: input.minNoticeMin,
    horizonDays: input.horizonDays,
    cancellationWindowMin: input.cancellationWindowMin,
    requiresApproval: input.requiresApproval,
    visibility: input.visibility,
    seasonFrom: dateValue(input.seasonFrom),
    seasonTo: dateValue(input.seasonTo),
    preparationNotes: input.preparationNotes,
    visitReasons: input.visitReasons,
  } satisfies Prisma.ServiceUncheckedUpdateInput;
}

async function writeLinks(tx: Tx, clinicId: string, serviceId: string, input: ServiceInput) {
  await tx.serviceDiscount.deleteMany({ where: { clinicId, serviceId } });
  if (input.discounts.length > 0)
    await tx.serviceDiscount.createMany({
      data: input.discounts.map((d) => ({
        clinicId,
        serviceId,
        kind: d.kind,
        label: d.label,
        percent: d.percent,
        startsOn: dateValue(d.startsOn),
        endsOn: dateValue(d.endsOn),
        weekdays: d.weekdays,
        fromMinute: d.fromMinute,
        toMinute: d.toMinute,
      })),
    });
  await tx.serviceDoctor.deleteMany({ where: { clinicId, serviceId, doctorId: { notIn: input.doctorIds } } });
  if (input.doctorIds.length > 0) await tx.serviceDoctor.createMany({ data: input.doctorIds.map((doctorId) => ({ clinicId, serviceId, doctorId })), skipDuplicates: true });
  await tx.serviceLocation.deleteMany({ where: { clinicId, serviceId, locationId: { notIn: input.locationIds } } });
  if (input.locationIds.length > 0) await tx.serviceLocation.createMany({ data: input.locationIds.map((locationId) => ({ clinicId, serviceId, locationId })), skipDuplicates: true });
}

/** A URL-safe key from the name, unique at the clinic ("travel-vaccination-consult", "…-2"). */
async function newKey(tx: Tx, clinicId: string, name: string): Promise<string> {
  const base =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "service";
  const taken = new Set((await tx.service.findMany({ where: { clinicId, key: { startsWith: base } }, select: { key: true } })).map((s) => s.key));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export async function createService(db: ClinicDb, input: ServiceInput, actor: Actor): Promise<SaveServiceAnswer> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const errors = await checkAgainstClinic(tx, clinicId, input);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const last = await tx.service.aggregate({ where: { clinicId }, _max: { position: true } });
    const service = await tx.service.create({
      data: { clinicId, key: await newKey(tx, clinicId, input.name), position: (last._max.position ?? -1) + 1, ...serviceColumns(input) },
      select: { id: true, key: true },
    });
    await writeLinks(tx, clinicId, service.id, input);
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(actor),
      action: "service.created",
      target: { type: "service", id: service.id },
      request: actor.request,
      details: { key: service.key, name: input.name, visibility: input.visibility, priceMinor: input.priceMinor, doctors: input.doctorIds.length, locations: input.locationIds.length },
    });
    return { ok: true, serviceId: service.id };
  });
}

const COMPARED: (keyof ServiceInput)[] = [
  "name",
  "specialty",
  "categoryId",
  "description",
  "durationMin",
  "priceMinor",
  "depositKind",
  "depositValue",
  "bufferBeforeMin",
  "bufferAfterMin",
  "startGridMin",
  "roomType",
  "minNoticeMin",
  "horizonDays",
  "cancellationWindowMin",
  "requiresApproval",
  "visibility",
  "seasonFrom",
  "seasonTo",
  "preparationNotes",
  "visitReasons",
  "doctorIds",
  "locationIds",
  "discounts",
];

export async function updateService(db: ClinicDb, serviceId: string, input: ServiceInput, actor: Actor): Promise<SaveServiceAnswer> {
  const clinicId = db.clinicId;
  if (!isUuid(serviceId)) throw new NotFoundError("There is no such service at this clinic.");
  return db.tx(async (tx) => {
    // Serialise concurrent saves of one service: the second waits and then writes on top. What it
    // changed is read after the lock, so its audit entry compares with the first save's result.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM services WHERE clinic_id = ${clinicId}::uuid AND id = ${serviceId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError("There is no such service at this clinic.");
    const before = await readService(tx, clinicId, serviceId);
    const errors = await checkAgainstClinic(tx, clinicId, input);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    await tx.service.update({ where: { clinicId_id: { clinicId, id: serviceId } }, data: serviceColumns(input) });
    await writeLinks(tx, clinicId, serviceId, input);
    const changed = COMPARED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(input[k]));
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(actor),
      action: "service.updated",
      target: { type: "service", id: serviceId },
      request: actor.request,
      details: { changed, ...(changed.includes("visibility") ? { visibility: { from: before.visibility, to: input.visibility } } : {}), ...(changed.includes("priceMinor") ? { priceMinor: { from: before.priceMinor, to: input.priceMinor } } : {}) },
    });
    return { ok: true, serviceId };
  });
}
