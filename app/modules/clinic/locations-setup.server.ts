/**
 * The owner's locations and rooms: add and edit a location (address, coordinates, phone, weekly
 * opening hours in the clinic's wall time) and its rooms. A room that a future visit uses is neither
 * deactivated nor deleted (the visit would lose its room); a room with past visits only can be
 * deactivated, and deleted only once no visit at all refers to it, so the history stays whole.
 *
 * Locations feed the slot engine and the marketplace's published index (coordinates): both read the
 * tables directly, and the index is rewritten by triggers in the same transaction.
 */
import { randomBytes } from "node:crypto";
import type { CountryCode } from "libphonenumber-js/min";
import { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import type { RoomType } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { parseOpeningHours, WEEKDAYS, type OpeningHours } from "~/modules/tenancy/opening-hours";
import { openingHoursSchema, ROOM_TYPES } from "~/modules/tenancy/tenant-schema";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { normalizeContactPhone, type ChangeBy } from "./clinic-setup.server";
import { LOCATION_VIEW_FIELDS } from "./locations.server";
import { OPEN_STATUSES } from "~/lib/appointment-status";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
/** Visits that still hold their room. */

const required = (label: string, max: number) => z.string().trim().min(1, `${label} is required.`).max(max, `${label} can be at most ${max} characters.`);
const optional = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .transform((v) => (v === "" ? null : v));
const coordinate = (label: string, limit: number) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return null;
      const n = Number(v.replace(",", "."));
      if (!Number.isFinite(n) || n < -limit || n > limit) {
        ctx.addIssue({
          code: "custom",
          message: `${label} is a number between -${limit} and ${limit}, e.g. 40.8075.`,
        });
        return z.NEVER;
      }
      return n;
    });

/** The location form as posted: text fields, and the week's hours as JSON from the hours editor. */
export const locationForm = z
  .object({
    name: required("The name", 120),
    addressLine1: required("The street address", 200),
    addressLine2: optional("The second address line", 200),
    city: required("The city", 100),
    region: optional("The region", 100),
    postalCode: optional("The postal code", 20),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .refine((v) => /^[A-Z]{2}$/.test(v) && regionNames.of(v) !== v, "Use the two-letter country code, such as US, DE or UZ."),
    latitude: coordinate("Latitude", 90),
    longitude: coordinate("Longitude", 180),
    phone: optional("The phone number", 40),
    openingHours: z.string().transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({
          code: "custom",
          message: "The opening hours could not be read. Reload the page and try again.",
        });
        return z.NEVER;
      }
    }),
  })
  .superRefine((v, ctx) => {
    if ((v.latitude === null) !== (v.longitude === null))
      ctx.addIssue({
        code: "custom",
        path: [v.latitude === null ? "latitude" : "longitude"],
        message: "Give both coordinates, or neither.",
      });
  });

export type LocationFormInput = z.input<typeof locationForm>;

/** The location fields of a posted form (missing ones as empty text, which the schema explains). */
export function locationInput(form: Record<string, FormDataEntryValue>): LocationFormInput {
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  return {
    name: text("name"),
    addressLine1: text("addressLine1"),
    addressLine2: text("addressLine2"),
    city: text("city"),
    region: text("region"),
    postalCode: text("postalCode"),
    country: text("country"),
    latitude: text("latitude"),
    longitude: text("longitude"),
    phone: text("phone"),
    openingHours: text("openingHours") || "{}",
  };
}

/** Opening-hours problems as "openingHours.mon.1" → message, so the editor shows them on the right row. */
function hoursErrors(value: unknown): { path: string; message: string }[] {
  const parsed = openingHoursSchema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => {
    const [day, index] = i.path;
    const dayName = typeof day === "string" ? day : "";
    const message = i.message === "open must be earlier than close" ? "The opening time must be earlier than the closing time." : i.message.replace(/^(\d\d:\d\d–\d\d:\d\d) overlaps/, "$1 overlaps");
    return {
      path: ["openingHours", dayName, index].filter((p) => p !== undefined && p !== "").join("."),
      message,
    };
  });
}

function slugKey(name: string) {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "item"}-${randomBytes(3).toString("hex")}`;
}

function parseLocation(input: LocationFormInput) {
  const parsed = locationForm.safeParse(input);
  const errors = parsed.success
    ? []
    : fieldErrorsFromZod(parsed.error);
  if (parsed.success) errors.push(...hoursErrors(parsed.data.openingHours));
  let phone: string | null = null;
  if (parsed.success && parsed.data.phone) {
    // A national number is read as one of the location's own country.
    const answer = normalizeContactPhone(parsed.data.phone, parsed.data.country as CountryCode);
    if (answer.ok) phone = answer.e164;
    else errors.push({ path: "phone", message: answer.message });
  }
  if (!parsed.success || errors.length) throw new ValidationError("Some fields need another look; nothing was saved.", errors);
  const hours = parseOpeningHours(parsed.data.openingHours);
  return {
    ...parsed.data,
    phone,
    openingHours: hours as unknown as Prisma.InputJsonObject,
  };
}

export async function createLocation(db: ClinicDb, input: LocationFormInput, by: ChangeBy) {
  const clinicId = db.clinicId;
  const data = parseLocation(input);
  return db.tx(async (tx) => {
    const row = await tx.location.create({
      data: { clinicId, key: slugKey(data.name), ...data },
      select: { id: true, name: true },
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "location.created",
      target: { type: "location", id: row.id },
      request: by.request ?? null,
      details: { name: row.name, city: data.city },
    });
    return row;
  });
}

export async function updateLocation(db: ClinicDb, locationId: string, input: LocationFormInput, by: ChangeBy) {
  const clinicId = db.clinicId;
  if (!UUID.test(locationId)) throw new NotFoundError("There is no such location at this clinic.");
  const data = parseLocation(input);
  return db.tx(async (tx) => {
    const before = await tx.location.findUnique({
      where: { clinicId_id: { clinicId, id: locationId } },
      select: { ...LOCATION_VIEW_FIELDS, id: false },
    });
    if (!before) throw new NotFoundError("There is no such location at this clinic.");
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => JSON.stringify(k === "openingHours" ? parseOpeningHours(before.openingHours) : before[k]) !== JSON.stringify(data[k]));
    if (!changed.length) return { id: locationId, changed };
    await tx.location.update({
      where: { clinicId_id: { clinicId, id: locationId } },
      data,
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "location.updated",
      target: { type: "location", id: locationId },
      request: by.request ?? null,
      details: { changed },
    });
    return { id: locationId, changed };
  });
}

export interface RoomSummary {
  id: string;
  name: string;
  type: RoomType;
  active: boolean;
  futureVisits: number;
}

export interface LocationSummary {
  id: string;
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  openingHours: OpeningHours;
  rooms: RoomSummary[];
}

async function futureVisitsByRoom(tx: Tx, now: Date): Promise<Map<string, number>> {
  const rows = await tx.appointment.groupBy({
    by: ["roomId"],
    where: {
      roomId: { not: null },
      status: { in: OPEN_STATUSES },
      endsAt: { gt: now },
    },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.roomId!, r._count._all]));
}

/** Every location with its rooms (active first) and how many future visits use each room. */
export async function listLocationsForSetup(db: ClinicDb, now = new Date()): Promise<LocationSummary[]> {
  return db.tx(async (tx) => {
    const [locations, rooms, future] = await Promise.all([
      tx.location.findMany({
        orderBy: [{ createdAt: "asc" }, { name: "asc" }],
      }),
      tx.room.findMany({ orderBy: [{ active: "desc" }, { name: "asc" }] }),
      futureVisitsByRoom(tx, now),
    ]);
    return locations.map((l) => ({
      id: l.id,
      name: l.name,
      addressLine1: l.addressLine1,
      addressLine2: l.addressLine2,
      city: l.city,
      region: l.region,
      postalCode: l.postalCode,
      country: l.country,
      latitude: l.latitude,
      longitude: l.longitude,
      phone: l.phone,
      openingHours: parseOpeningHours(l.openingHours),
      rooms: rooms
        .filter((r) => r.locationId === l.id)
        .map((r) => ({
          id: r.id,
          name: r.name,
          type: r.type,
          active: r.active,
          futureVisits: future.get(r.id) ?? 0,
        })),
    }));
  });
}

export const roomForm = z.object({
  name: required("The room's name", 80),
  type: z.enum(ROOM_TYPES, {
    error: "Choose consultation, therapy, private or equipment.",
  }),
});

export async function addRoom(db: ClinicDb, locationId: string, input: z.input<typeof roomForm>, by: ChangeBy) {
  const clinicId = db.clinicId;
  const parsed = roomForm.safeParse(input);
  if (!parsed.success) throw new ValidationError("The room needs a name and a type.", fieldErrorsFromZod(parsed.error));
  if (!UUID.test(locationId)) throw new NotFoundError("There is no such location at this clinic.");
  return db.tx(async (tx) => {
    const location = await tx.location.findUnique({
      where: { clinicId_id: { clinicId, id: locationId } },
      select: { id: true },
    });
    if (!location) throw new NotFoundError("There is no such location at this clinic.");
    const room = await tx.room.create({
      data: {
        clinicId,
        locationId,
        key: slugKey(parsed.data.name),
        name: parsed.data.name,
        type: parsed.data.type,
      },
      select: { id: true, name: true, type: true },
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "room.created",
      target: { type: "room", id: room.id },
      request: by.request ?? null,
      details: { locationId, name: room.name, type: room.type },
    });
    return room;
  });
}

async function findRoom(tx: Tx, clinicId: string, roomId: string) {
  const room = UUID.test(roomId)
    ? await tx.room.findUnique({
        where: { clinicId_id: { clinicId, id: roomId } },
      })
    : null;
  if (!room) throw new NotFoundError("There is no such room at this clinic.");
  return room;
}

async function refuseWhenBooked(tx: Tx, roomId: string, roomName: string, doing: string, now: Date) {
  const future = await tx.appointment.count({
    where: { roomId, status: { in: OPEN_STATUSES }, endsAt: { gt: now } },
  });
  if (future > 0) {
    throw new ConflictError(`${roomName} cannot be ${doing}: ${future} upcoming ${future === 1 ? "visit uses" : "visits use"} it. Move or cancel ${future === 1 ? "that visit" : "those visits"} first.`);
  }
}

/** Rename, retype, or (de)activate a room. Deactivating is refused while a future visit uses it. */
export async function updateRoom(db: ClinicDb, roomId: string, input: z.input<typeof roomForm> & { active: boolean }, by: ChangeBy, now = new Date()) {
  const clinicId = db.clinicId;
  const parsed = roomForm.safeParse(input);
  if (!parsed.success) throw new ValidationError("The room needs a name and a type.", fieldErrorsFromZod(parsed.error));
  return db.tx(async (tx) => {
    const room = await findRoom(tx, clinicId, roomId);
    if (room.active && !input.active) await refuseWhenBooked(tx, room.id, room.name, "deactivated", now);
    if (room.type !== parsed.data.type) await refuseWhenBooked(tx, room.id, room.name, `changed to ${parsed.data.type}`, now);
    const changed = [room.name !== parsed.data.name && "name", room.type !== parsed.data.type && "type", room.active !== input.active && "active"].filter(Boolean) as string[];
    if (!changed.length) return { id: room.id, changed };
    await tx.room.update({
      where: { clinicId_id: { clinicId, id: room.id } },
      data: {
        name: parsed.data.name,
        type: parsed.data.type,
        active: input.active,
      },
    });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "room.updated",
      target: { type: "room", id: room.id },
      request: by.request ?? null,
      details: {
        changed,
        before: { name: room.name, type: room.type, active: room.active },
        after: {
          name: parsed.data.name,
          type: parsed.data.type,
          active: input.active,
        },
      },
    });
    return { id: room.id, changed };
  });
}

/** Deletes a room no visit has ever used; one with history is refused with the advice to deactivate it. */
export async function deleteRoom(db: ClinicDb, roomId: string, by: ChangeBy, now = new Date()) {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const room = await findRoom(tx, clinicId, roomId);
    await refuseWhenBooked(tx, room.id, room.name, "deleted", now);
    const history = await tx.appointment.count({ where: { roomId: room.id } });
    if (history > 0) throw new ConflictError(`${room.name} is part of ${history} past ${history === 1 ? "visit" : "visits"} and stays on record. Deactivate it instead: it will not be booked again.`);
    await tx.room.delete({ where: { clinicId_id: { clinicId, id: room.id } } });
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "room.deleted",
      target: { type: "room", id: room.id },
      request: by.request ?? null,
      details: {
        name: room.name,
        type: room.type,
        locationId: room.locationId,
      },
    });
    return { id: room.id };
  });
}

export { WEEKDAYS };
