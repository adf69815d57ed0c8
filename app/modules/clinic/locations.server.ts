/**
 * A clinic's locations as its public site and its panel show them: address, map link, phone, and
 * opening hours with today's state computed in the clinic's time zone at request time.
 */
import { clinicDbMemo } from "~/utils/clinic-memo.server";
import type { ClinicDb } from "~/utils/db.server";
import { displayPhone, telHref } from "./phone-display.server";
import { describeNextChange, describeOpenState, formatDayHours, openState, parseOpeningHours, weekRows, zonedMoment } from "~/modules/tenancy/opening-hours";

export interface LocationView {
  id: string;
  name: string;
  addressLines: string[];
  mapUrl: string | null;
  phone: { display: string; href: string } | null;
  week: ReturnType<typeof weekRows>;
  todayText: string;
  isOpen: boolean;
  openStateText: string;
  nextChangeText: string;
}

/** OpenStreetMap at the location's coordinates, with a marker. */
export function openStreetMapUrl(latitude: number, longitude: number): string {
  const lat = latitude.toFixed(5);
  const lon = longitude.toFixed(5);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
}

/** The columns a location view is made from (its public address, phone and hours). */
export const LOCATION_VIEW_FIELDS = {
  id: true,
  name: true,
  addressLine1: true,
  addressLine2: true,
  city: true,
  region: true,
  postalCode: true,
  country: true,
  latitude: true,
  longitude: true,
  phone: true,
  openingHours: true,
} as const;

export interface LocationRow {
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
  openingHours: unknown;
}

/** One location as pages show it, with today's state worked out in the clinic's zone at `now`. */
export function toLocationView(r: LocationRow, timeZone: string, now = new Date()): LocationView {
  const today = zonedMoment(now, timeZone).weekday;
  const hours = parseOpeningHours(r.openingHours);
  const state = openState(hours, now, timeZone);
  const cityLine = [r.postalCode, r.city, r.region].filter(Boolean).join(" ");
  return {
    id: r.id,
    name: r.name,
    addressLines: [r.addressLine1, r.addressLine2, cityLine, r.country].filter((l): l is string => Boolean(l)),
    mapUrl: r.latitude != null && r.longitude != null ? openStreetMapUrl(r.latitude, r.longitude) : null,
    phone: r.phone ? { display: displayPhone(r.phone), href: telHref(r.phone) } : null,
    week: weekRows(hours, today),
    todayText: formatDayHours(hours[today]),
    isOpen: state.open,
    openStateText: describeOpenState(state),
    nextChangeText: describeNextChange(state),
  };
}

// Read on every visit to a clinic's home page; kept until the clinic's setup changes.
const clinicLocationRows = clinicDbMemo(["setup"], (db) =>
  db.tx((tx) => tx.location.findMany({ orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: LOCATION_VIEW_FIELDS })),
);

export async function listClinicLocations(db: ClinicDb, clinic: { id: string; timeZone: string }, now = new Date()): Promise<LocationView[]> {
  const rows = await clinicLocationRows(db);
  return rows.map((r) => toLocationView(r, clinic.timeZone, now));
}
