/**
 * Demo appointment history for a demo clinic: about four months of past visits (completed,
 * cancelled, no-shows) and upcoming bookings over the next three weeks, for demo patients and a
 * few of their dependents, so the panels, reports and slot search have something to show.
 *
 * Written only when the clinic has no appointments at all, so it never mixes with real bookings
 * and a second seed changes nothing. Every visit lies inside the doctor's imported weekly hours
 * (minus breaks, closures and time off) and the location's opening hours, on the service's start
 * grid; a doctor or room is never double-booked, buffers included (the database's exclusion
 * constraints would refuse it anyway). A PRNG seeded with the clinic's slug makes the same day's
 * seed produce the same schedule.
 *
 * Rows go in with a handful of multi-row INSERTs (unnest), because `npm start` seeds on first run.
 */
import type { AppointmentStatus, BookingChannel, CancellationReason, DependentRelationship, PaymentStatus } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";
import { isoWeekday, minutesOf, parseOpeningHours } from "~/modules/tenancy/opening-hours";
import { depositFor } from "~/modules/scheduling/policy";
import { normalize as normalizeIntervals, subtract as subtractIntervals, type Interval } from "~/modules/scheduling/slot-engine";
import { addDays, datesFromTo, utcToZoned, weekdayOf, zonedToUtc, type LocalDate } from "~/lib/zoned-time";

export interface DemoHistoryOptions {
  /** The moment that splits past from upcoming; defaults to the current time. */
  now?: Date;
  /** Local days of past visits before today. */
  daysBack?: number;
  /** Local days of upcoming bookings after today. */
  daysAhead?: number;
}

export interface DemoHistoryResult {
  /** False when the clinic already had appointments, so nothing was written. */
  written: boolean;
  appointments: number;
  byStatus: Partial<Record<AppointmentStatus, number>>;
  patients: number;
  dependents: number;
  statusChanges: number;
  ms: number;
}

type Channel = BookingChannel;
/** The reasons the demo history gives (the schema's own values; closures and no-shows are not cancellations here). */
type DemoCancellationReason = Extract<CancellationReason, "patient_request" | "illness" | "staff_unavailable" | "duplicate">;
type ActorType = "patient" | "staff" | "api" | "system";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Per-clinic bound on rows in one INSERT, to keep statements and their parameters modest. */
const INSERT_CHUNK = 2_000;
/** Enough people that nobody visits implausibly often; the phone ranges below hold 500. */
const DEMO_PATIENTS = 480;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** Mulberry32 seeded with an FNV-1a hash of a string: small, fast and reproducible. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  chance(p: number) {
    return this.next() < p;
  }
  int(min: number, max: number) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  /** A version-4 UUID drawn from the sequence, so ids repeat with the schedule. */
  uuid() {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16));
    hex[12] = "4";
    hex[16] = "89ab"[Math.floor(this.next() * 4)]!;
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Demo people: made-up names, and phone numbers valid in form so the demo accounts can sign in.

interface Locale {
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
  /** Surname for a woman (Uzbek and Russian surnames take a feminine ending). */
  feminine?: (surname: string) => string;
  phone: (n: number) => string;
  notes: readonly string[];
}

// New York area codes the test and benchmark numbers (212, 646) stay clear of.
const US_AREA_CODES = ["917", "347", "718", "929", "332"];

const LOCALES: Record<"US" | "DE" | "UZ", Locale> = {
  US: {
    female: [
      "Emily", "Aaliyah", "Sofia", "Grace", "Mei", "Priya", "Camila", "Hannah", "Olivia", "Keisha", "Valentina", "Chloe", "Fatou", "Rachel", "Lucia",
      "Nia", "Sarah", "Ana", "Leah", "Maya",
    ],
    male: [
      "James", "Darnell", "Mateo", "Ethan", "Kwame", "David", "Carlos", "Noah", "Jamal", "Kevin", "Luis", "Samuel", "Andre", "Daniel", "Omar",
      "Brian", "Miguel", "Tyrone", "Jason", "Eli",
    ],
    surnames: [
      "Johnson", "Rodriguez", "Nguyen", "Williams", "Kim", "Cohen", "Diallo", "Martinez", "Brown", "Santos", "Washington", "Rivera", "Murphy",
      "Okoye", "Lopez", "Goldberg", "Jackson", "Reyes", "Thompson", "Ramirez", "Park", "Harris", "Torres", "Sullivan", "Mensah", "Perez", "Robinson",
      "Cruz", "Friedman", "Baptiste",
    ],
    // 555-0100 … 555-0199 is reserved for fiction in every North American area code.
    phone: (n) => `+1${US_AREA_CODES[Math.floor(n / 100) % US_AREA_CODES.length]}55501${String(n % 100).padStart(2, "0")}`,
    notes: [
      "Coming straight from work, may be a few minutes late.", "Please send the intake form by email.", "Follow-up on last month's lab results.",
      "Needs a school form signed.", "Prefers Spanish if possible.", "Insurance card changed since the last visit.",
    ],
  },
  DE: {
    female: [
      "Mia", "Hannah", "Zeynep", "Lea", "Katarzyna", "Sophie", "Elif", "Marie", "Johanna", "Aylin", "Clara", "Ewa", "Lina", "Franziska", "Nele",
      "Greta", "Amira", "Paula", "Ida", "Svenja",
    ],
    male: [
      "Lukas", "Emre", "Jonas", "Tobias", "Mehmet", "Paul", "Piotr", "Felix", "Moritz", "Can", "Leon", "Maximilian", "Ali", "Niklas", "Tim",
      "Julian", "Matthias", "Ole", "Jan", "Florian",
    ],
    surnames: [
      "Müller", "Schmidt", "Yıldız", "Nowak", "Fischer", "Weber", "Demir", "Wagner", "Becker", "Schulz", "Hoffmann", "Kaya", "Koch", "Richter",
      "Wolf", "Schröder", "Neumann", "Zimmermann", "Krüger", "Lange", "Şahin", "Hartmann", "Kowalczyk", "Braun", "Krause",
    ],
    // Well-formed mobile numbers in a block picked for the demo, not meant to reach anyone.
    phone: (n) => `+49155500${String(n).padStart(5, "0")}`,
    notes: [
      "Rezept habe ich schon per Mail geschickt.", "Knee still swollen after Saturday's match.", "Kann erst nach 17 Uhr.",
      "Second prescription of six sessions.", "Please use the lift entrance, I'm on crutches.",
    ],
  },
  UZ: {
    female: [
      "Dilnoza", "Gulnora", "Malika", "Nigora", "Sevara", "Kamola", "Madina", "Zarina", "Shahnoza", "Nodira", "Feruza", "Munisa", "Lola", "Dildora",
      "Mohira", "Yulduz", "Aziza", "Barno", "Umida", "Sitora",
    ],
    male: [
      "Aziz", "Dilshod", "Otabek", "Jasur", "Bobur", "Sardor", "Rustam", "Sherzod", "Jamshid", "Ulugbek", "Farrukh", "Timur", "Anvar", "Bekzod",
      "Akmal", "Doniyor", "Sanjar", "Islom", "Kamol", "Nodir",
    ],
    surnames: [
      "Karimov", "Rakhimov", "Tursunov", "Saidov", "Yusupov", "Abdullaev", "Ismoilov", "Nazarov", "Usmonov", "Aliev", "Khasanov", "Mirzaev",
      "Sultonov", "Ergashev", "Toshmatov", "Kodirov", "Juraev", "Nurmatov", "Sobirov", "Xolmatov",
    ],
    feminine: (surname) => (/(ov|ev)$/.test(surname) ? `${surname}a` : surname),
    // Well-formed mobile numbers (operator code 90) in a block picked for the demo.
    phone: (n) => `+99890555${String(n).padStart(4, "0")}`,
    notes: [
      "Tish og'riyapti, tezroq ko'rishsa yaxshi bo'lardi.", "Please call before the visit, I may be late from work.",
      "Bring the X-ray from the previous clinic.", "Child is afraid of the dentist, please be gentle.", "Prefers Russian.",
    ],
  },
};

type Relationship = DependentRelationship;

interface Person {
  phone: string;
  firstName: string;
  lastName: string;
  email: string | null;
  dateOfBirth: string;
  female: boolean;
  dependents: { firstName: string; lastName: string; relationship: Relationship; dateOfBirth: string }[];
}

const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ı/g, "i")
    .replace(/ş/gi, "s")
    .toLowerCase()
    .replace(/[^a-z]/g, "");

function isoDate(year: number, dice: Dice) {
  return `${year}-${String(dice.int(1, 12)).padStart(2, "0")}-${String(dice.int(1, 28)).padStart(2, "0")}`;
}

function demoPeople(locale: Locale, count: number, dice: Dice, thisYear: number): Person[] {
  const name = (female: boolean, surname: string) => ({
    firstName: dice.pick(female ? locale.female : locale.male),
    lastName: female && locale.feminine ? locale.feminine(surname) : surname,
  });
  return Array.from({ length: count }, (_, n) => {
    const female = dice.chance(0.55);
    const surname = dice.pick(locale.surnames);
    const self = name(female, surname);
    const dependents: Person["dependents"] = [];
    // About one account in five books for family members too.
    if (dice.chance(0.2)) {
      const howMany = dice.chance(0.35) ? 2 : 1;
      for (let k = 0; k < howMany; k++) {
        const relationship = dice.weighted<Relationship>([
          ["child", 6],
          ["spouse", 2.5],
          ["parent", 1.5],
        ]);
        const partnerFemale = relationship === "spouse" ? !female : dice.chance(0.5);
        const born = relationship === "child" ? dice.int(thisYear - 16, thisYear - 2) : relationship === "parent" ? dice.int(1938, 1960) : dice.int(1965, 2000);
        dependents.push({ ...name(partnerFemale, surname), relationship, dateOfBirth: isoDate(born, dice) });
      }
    }
    return {
      phone: locale.phone(n),
      ...self,
      email: dice.chance(0.6) ? `${ascii(self.firstName)}.${ascii(self.lastName)}${n}@example.com` : null,
      dateOfBirth: isoDate(dice.int(1950, 2004), dice),
      female,
      dependents,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Wall-time intervals of one local day: [start, end) in minutes from local midnight.

type Span = Interval;

// The slot engine's interval arithmetic; its subtraction wants both sides sorted and merged.
const normalize = (spans: readonly Span[]): Span[] => normalizeIntervals([...spans]);
const subtract = (from: readonly Span[], cuts: readonly Span[]): Span[] => subtractIntervals(normalize(from), normalize(cuts));

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [a0, a1] of a) for (const [b0, b1] of b) if (Math.min(a1, b1) > Math.max(a0, b0)) out.push([Math.max(a0, b0), Math.min(a1, b1)]);
  return normalize(out);
}

// ---------------------------------------------------------------------------------------------
// The clinic as imported

interface ServiceRow {
  id: string;
  key: string;
  specialty: string | null;
  durationMin: number;
  priceMinor: number;
  depositKind: "none" | "fixed" | "percent";
  depositValue: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  startGridMin: number;
  roomType: string | null;
  minNoticeMin: number;
  horizonDays: number;
  cancellationWindowMin: number;
  requiresApproval: boolean;
  visibility: "active" | "inactive" | "seasonal" | "internal_only";
  seasonFrom: string | null;
  seasonTo: string | null;
  doctorIds: Set<string>;
  locationIds: Set<string>;
}

interface Rule {
  locationId: string;
  weekday: number;
  start: number;
  end: number;
  breaks: Span[];
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

interface Doctor {
  id: string;
  workStatus: string | null;
  rules: Rule[];
}

interface Exception {
  kind: "closure" | "time_off" | "extra_hours";
  doctorId: string | null;
  locationId: string | null;
  start: Date;
  end: Date;
}

const dateText = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

async function loadClinic(tx: Tx, clinicId: string) {
  const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { slug: true, timeZone: true, currency: true } });
  const locations = await tx.location.findMany({ where: { clinicId }, select: { id: true, key: true, country: true, openingHours: true }, orderBy: { key: "asc" } });
  const rooms = await tx.room.findMany({ where: { clinicId, active: true }, select: { id: true, locationId: true, type: true }, orderBy: { key: "asc" } });
  const services = await tx.service.findMany({ where: { clinicId, visibility: { not: "inactive" } }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const [serviceDoctors, serviceLocations, rules, exceptions] = await Promise.all([
    tx.serviceDoctor.findMany({ where: { clinicId } }),
    tx.serviceLocation.findMany({ where: { clinicId } }),
    tx.availabilityRule.findMany({ where: { clinicId } }),
    tx.scheduleException.findMany({ where: { clinicId } }),
  ]);
  const memberships = await tx.clinicMembership.findMany({
    where: { clinicId, active: true },
    select: { id: true, role: true, workStatus: true, staffUser: { select: { email: true } } },
  });
  memberships.sort((a, b) => a.staffUser.email.localeCompare(b.staffUser.email));

  const serviceRows: ServiceRow[] = services.map((s) => ({
    id: s.id,
    key: s.key,
    specialty: s.specialty,
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
    seasonFrom: dateText(s.seasonFrom),
    seasonTo: dateText(s.seasonTo),
    doctorIds: new Set(serviceDoctors.filter((d) => d.serviceId === s.id).map((d) => d.doctorId)),
    locationIds: new Set(serviceLocations.filter((l) => l.serviceId === s.id).map((l) => l.locationId)),
  }));

  const doctors: Doctor[] = memberships
    .filter((m) => m.role === "doctor")
    .map((m) => ({
      id: m.id,
      workStatus: m.workStatus,
      rules: rules
        .filter((r) => r.doctorId === m.id)
        .map((r) => ({
          locationId: r.locationId,
          weekday: r.weekday,
          start: r.startMinute,
          end: r.endMinute,
          breaks: (Array.isArray(r.breaks) ? (r.breaks as { start: string; end: string }[]) : []).map((b): Span => [minutesOf(b.start), minutesOf(b.end)]),
          effectiveFrom: dateText(r.effectiveFrom),
          effectiveTo: dateText(r.effectiveTo),
        })),
    }));
  // The front desk records phone bookings and check-ins; a clinic without one has its owner do it.
  const desk = memberships.filter((m) => m.role === "secretary").map((m) => m.id);
  const owner = memberships.find((m) => m.role === "owner")?.id;

  return {
    clinic,
    locations: locations.map((l) => ({ id: l.id, key: l.key, country: l.country, hours: parseOpeningHours(l.openingHours) })),
    rooms,
    services: serviceRows,
    doctors,
    desk: desk.length ? desk : owner ? [owner] : [],
    exceptions: exceptions.map((e): Exception => ({ kind: e.kind, doctorId: e.doctorId, locationId: e.locationId, start: e.startsAt, end: e.endsAt })),
  };
}

type Clinic = Awaited<ReturnType<typeof loadClinic>>;

// ---------------------------------------------------------------------------------------------
// Planning

interface Visit {
  id: string;
  serviceId: string;
  doctorId: string;
  locationId: string;
  roomId: string | null;
  patient: number;
  dependent: number | null;
  status: AppointmentStatus;
  start: Date;
  end: Date;
  blockedFrom: Date;
  blockedTo: Date;
  channel: Channel;
  paymentStatus: PaymentStatus;
  priceMinor: number;
  depositMinor: number;
  cancellationWindowMin: number;
  patientNote: string | null;
  cancellationReason: CancellationReason | null;
  cancellationNote: string | null;
  cancelledBy: string | null;
  cancelledAt: Date | null;
  externalRef: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  history: { from: string | null; to: string; actorType: ActorType; actorId: string | null; reason: string | null; at: Date }[];
}

/** Who a visit is for: an account holder, or one of their dependents (index into its list). */
interface Booker {
  patient: number;
  dependent: number | null;
}


/**
 * Wall minutes of one local date as instants. On an ordinary 24-hour day the offset is one number,
 * so Intl is asked twice per day instead of twice per visit; a daylight-saving day goes through
 * zonedToUtc minute by minute.
 */
function dayClock(date: LocalDate, timeZone: string) {
  const start = zonedToUtc(date, 0, timeZone);
  const end = zonedToUtc(addDays(date, 1), 0, timeZone);
  const regular = end.getTime() - start.getTime() === DAY_MS;
  return { start, end, at: (minutes: number) => (regular ? new Date(start.getTime() + minutes * MINUTE_MS) : zonedToUtc(date, minutes, timeZone)) };
}

/** The parts of these exceptions that fall on one local day, in wall minutes. */
function onDay(exceptions: readonly Exception[], dayStart: Date, dayEnd: Date, timeZone: string): Span[] {
  const spans: Span[] = [];
  for (const e of exceptions) {
    if (e.end <= dayStart || e.start >= dayEnd) continue;
    const a = e.start <= dayStart ? 0 : utcToZoned(e.start, timeZone).minutes;
    const b = e.end >= dayEnd ? 1440 : utcToZoned(e.end, timeZone).minutes;
    if (b > a) spans.push([a, b]);
  }
  return normalize(spans);
}

const CANCELLATION_NOTES: Record<DemoCancellationReason, readonly string[]> = {
  patient_request: ["Rebooking after the holidays.", "Work meeting moved.", "Found an earlier slot elsewhere.", "Childcare fell through."],
  illness: ["Down with a fever.", "Stomach bug in the family.", "Has the flu, will call back."],
  staff_unavailable: ["Doctor called in sick; patient offered another day.", "Schedule change, patient informed by phone."],
  duplicate: ["Booked twice online.", "Duplicate of a phone booking."],
};

function plan(c: Clinic, people: Person[], now: Date, daysBack: number, daysAhead: number, dice: Dice) {
  const tz = c.clinic.timeZone;
  const today = utcToZoned(now, tz).date;
  const nowMs = now.getTime();
  const locationsById = new Map(c.locations.map((l) => [l.id, l]));
  const closures = c.exceptions.filter((e) => e.kind === "closure");

  // Regulars come every week or two, most people a few times: weight ∝ 1 / (rank + 40).
  const cumulative: number[] = [];
  people.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 40)), 0);
  const pickPatient = () => {
    const r = dice.next() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const parents = people.flatMap((p, i) => (p.dependents.some((d) => d.relationship === "child") ? [i] : []));
  const bookedDays = new Set<string>();
  const booker = (service: ServiceRow, date: LocalDate): Booker | null => {
    const forChildren = /pediatric|paediatric|child/i.test(`${service.specialty ?? ""} ${service.key}`);
    for (let attempt = 0; attempt < 6; attempt++) {
      let patient: number;
      let dependent: number | null = null;
      if (forChildren && parents.length && dice.chance(0.85)) {
        patient = dice.pick(parents);
        const children = people[patient]!.dependents.flatMap((d, k) => (d.relationship === "child" ? [k] : []));
        dependent = dice.pick(children);
      } else {
        patient = pickPatient();
        const family = people[patient]!.dependents;
        if (family.length && dice.chance(0.15)) dependent = dice.int(0, family.length - 1);
      }
      // One visit a day per person is plenty for a demo.
      const day = `${patient}:${dependent ?? "self"}:${date}`;
      if (bookedDays.has(day)) continue;
      bookedDays.add(day);
      return { patient, dependent };
    }
    return null;
  };

  const visits: Visit[] = [];
  let externalRef = 48_210;

  for (const date of datesFromTo(addDays(today, -daysBack), addDays(today, daysAhead))) {
    const weekday = weekdayOf(date);
    const iso = isoWeekday(weekday);
    const clock = dayClock(date, tz);
    const dayStart = clock.start;
    const dayEnd = clock.end;
    const daysFromToday = Math.round((Date.parse(date) - Date.parse(today)) / DAY_MS);
    const roomBusy = new Map<string, [number, number][]>();
    const closedAt = (locationId: string) => onDay(closures.filter((e) => e.locationId === null || e.locationId === locationId), dayStart, dayEnd, tz);

    for (const doctor of c.doctors) {
      // A doctor on leave stopped seeing patients ten days ago, one who left six weeks ago.
      if (doctor.workStatus === "on_leave" && daysFromToday > -10) continue;
      if (doctor.workStatus === "inactive" && daysFromToday > -42) continue;
      const away = onDay(c.exceptions.filter((e) => e.kind === "time_off" && e.doctorId === doctor.id), dayStart, dayEnd, tz);

      // The doctor's working time per location on this date, inside opening hours.
      const windows: { locationId: string; span: Span }[] = [];
      for (const location of c.locations) {
        const open = normalize(location.hours[weekday].map((p): Span => [minutesOf(p.open), minutesOf(p.close)]));
        const shifts = doctor.rules
          .filter((r) => r.locationId === location.id && r.weekday === iso && (!r.effectiveFrom || date >= r.effectiveFrom) && (!r.effectiveTo || date <= r.effectiveTo))
          .flatMap((r) => subtract([[r.start, r.end]], normalize(r.breaks)));
        const extra = onDay(c.exceptions.filter((e) => e.kind === "extra_hours" && e.doctorId === doctor.id && e.locationId === location.id), dayStart, dayEnd, tz);
        const working = subtract(subtract(intersect(normalize([...shifts, ...extra]), open), closedAt(location.id)), away);
        for (const span of working) windows.push({ locationId: location.id, span });
      }
      windows.sort((a, b) => a.span[0] - b.span[0]);
      if (!windows.length) continue;

      // Past days were busy; the coming weeks fill up the closer they are.
      const busyness = daysFromToday < 0 ? 0.25 + 0.2 * dice.next() : Math.max(0.05, 0.7 - 0.032 * daysFromToday + 0.15 * (dice.next() - 0.5));
      let doctorFreeFrom = 0;

      for (const { locationId, span } of windows) {
        const offered = c.services.filter(
          (s) =>
            s.doctorIds.has(doctor.id) &&
            s.locationIds.has(locationId) &&
            (s.visibility !== "seasonal" || (s.seasonFrom !== null && s.seasonTo !== null && date >= s.seasonFrom && date <= s.seasonTo)) &&
            (!s.roomType || c.rooms.some((r) => r.locationId === locationId && r.type === s.roomType)),
        );
        if (!offered.length) continue;
        const weights = offered.map((s) => [s, s.visibility === "internal_only" ? 0.25 : s.requiresApproval ? 0.6 : 1] as const);

        let cursor = span[0];
        while (cursor < span[1]) {
          if (!dice.chance(busyness)) {
            cursor += dice.pick([10, 15, 20, 30]);
            continue;
          }
          let placed = false;
          for (let attempt = 0; attempt < 3 && !placed; attempt++) {
            const service = dice.weighted(weights);
            const grid = service.startGridMin;
            const startMin = Math.ceil((cursor + service.bufferBeforeMin) / grid) * grid;
            const endMin = startMin + service.durationMin;
            if (endMin + service.bufferAfterMin > span[1]) continue;
            const start = clock.at(startMin);
            const end = clock.at(endMin);
            const blockedFrom = new Date(start.getTime() - service.bufferBeforeMin * MINUTE_MS);
            const blockedTo = new Date(end.getTime() + service.bufferAfterMin * MINUTE_MS);
            if (blockedFrom.getTime() < doctorFreeFrom) continue;

            // A visit under way or just finished is left out: the demo starts from a settled day.
            const past = blockedTo.getTime() + 20 * MINUTE_MS <= nowMs;
            const upcoming = start.getTime() >= nowMs;
            if (!past && !upcoming) {
              cursor = endMin + service.bufferAfterMin;
              placed = true;
              break;
            }
            if (upcoming && start.getTime() > nowMs + service.horizonDays * DAY_MS) continue;

            let roomId: string | null = null;
            if (service.roomType) {
              const room = c.rooms.find(
                (r) =>
                  r.locationId === locationId &&
                  r.type === service.roomType &&
                  !(roomBusy.get(r.id) ?? []).some(([a, b]) => a < blockedTo.getTime() && blockedFrom.getTime() < b),
              );
              if (!room) continue;
              roomId = room.id;
            }
            const who = booker(service, date);
            if (!who) continue;

            if (roomId) roomBusy.set(roomId, [...(roomBusy.get(roomId) ?? []), [blockedFrom.getTime(), blockedTo.getTime()]]);
            doctorFreeFrom = blockedTo.getTime();
            cursor = endMin + service.bufferAfterMin;
            placed = true;

            // Priced as the booking path prices: the service's price and its deposit rule.
            const priceMinor = service.priceMinor;
            const depositMinor = depositFor(priceMinor, service.depositKind, service.depositValue);
            const channel: Channel =
              service.visibility === "internal_only"
                ? "staff"
                : dice.weighted<Channel>([
                    ["clinic_site", 42],
                    ["marketplace", 26],
                    ["staff", 24],
                    ["api", 8],
                  ]);
            visits.push(
              outcome(
                {
                  service,
                  doctorId: doctor.id,
                  locationId,
                  roomId,
                  who,
                  start,
                  end,
                  blockedFrom,
                  blockedTo,
                  channel,
                  priceMinor,
                  depositMinor,
                  past,
                  externalRef: channel === "api" ? `PMS-${externalRef++}` : null,
                  note: channel !== "staff" && dice.chance(0.08) ? dice.pick(localeOf(locationsById.get(locationId)!.country).notes) : null,
                },
                now,
                c.desk,
                dice,
              ),
            );
          }
          if (!placed) cursor += 15;
        }
      }
    }
  }
  return visits;
}

interface Draft {
  service: ServiceRow;
  doctorId: string;
  locationId: string;
  roomId: string | null;
  who: Booker;
  start: Date;
  end: Date;
  blockedFrom: Date;
  blockedTo: Date;
  channel: Channel;
  priceMinor: number;
  depositMinor: number;
  past: boolean;
  externalRef: string | null;
  note: string | null;
}

/** The patient as an actor; their account id is filled in once the accounts are written. */
const PATIENT = "patient:";

/** When it was booked, how it went, who did what: the appointment and its status history. */
function outcome(d: Draft, now: Date, desk: string[], dice: Dice): Visit {
  const { service } = d;
  const startMs = d.start.getTime();
  const nowMs = now.getTime();
  const windowMs = service.cancellationWindowMin * MINUTE_MS;
  const hasDeposit = d.depositMinor > 0;
  const clerk = desk.length ? `staff:${dice.pick(desk)}` : "system";
  const actorOf = (label: string): { actorType: ActorType; actorId: string | null } => {
    const [type, id] = label.split(":") as [ActorType, string | undefined];
    return { actorType: type, actorId: id || null };
  };

  // Booked ahead: phone bookings a few days, online ones up to a month, never against the rules.
  const maxLead = Math.min(service.horizonDays * DAY_MS, (d.channel === "staff" ? 14 : 30) * DAY_MS);
  const minLead = Math.max(service.minNoticeMin * MINUTE_MS, HOUR_MS);
  let createdMs = startMs - (minLead + Math.pow(dice.next(), 1.6) * Math.max(0, maxLead - minLead));
  if (createdMs > nowMs - 5 * MINUTE_MS) createdMs = nowMs - (5 * MINUTE_MS + dice.next() * Math.min(3 * DAY_MS, Math.max(0, nowMs - (startMs - maxLead) - 5 * MINUTE_MS)));
  createdMs = Math.floor(createdMs / 1000) * 1000;
  const created = new Date(createdMs);
  const createdBy = d.channel === "staff" ? clerk : d.channel === "api" ? "api" : PATIENT;

  const history: Visit["history"] = [];
  const first: AppointmentStatus = service.requiresApproval ? "requested" : "confirmed";
  history.push({ from: null, to: first, ...actorOf(createdBy), reason: null, at: created });
  let last: AppointmentStatus = first;
  const step = (to: AppointmentStatus, label: string, at: Date, reason: string | null = null) => {
    history.push({ from: last, to, ...actorOf(label), reason, at });
    last = to;
  };

  const visit: Visit = {
    id: dice.uuid(),
    serviceId: service.id,
    doctorId: d.doctorId,
    locationId: d.locationId,
    roomId: d.roomId,
    patient: d.who.patient,
    dependent: d.who.dependent,
    status: first,
    start: d.start,
    end: d.end,
    blockedFrom: d.blockedFrom,
    blockedTo: d.blockedTo,
    channel: d.channel,
    paymentStatus: hasDeposit ? "card_saved" : "none",
    priceMinor: d.priceMinor,
    depositMinor: d.depositMinor,
    cancellationWindowMin: service.cancellationWindowMin,
    patientNote: d.note,
    cancellationReason: null,
    cancellationNote: null,
    cancelledBy: null,
    cancelledAt: null,
    externalRef: d.externalRef,
    createdBy,
    createdAt: created,
    updatedAt: created,
    history,
  };

  // The front desk approves requests within the day.
  const approve = () => {
    const at = new Date(Math.min(createdMs + (30 + dice.int(0, 20 * 60)) * MINUTE_MS, startMs - HOUR_MS, nowMs - MINUTE_MS));
    if (at.getTime() > createdMs) step("confirmed", clerk, at);
  };

  const cancel = (latestMs: number) => {
    const reason = dice.weighted<DemoCancellationReason>([
      ["patient_request", 55],
      ["illness", 27],
      ["staff_unavailable", 11],
      ["duplicate", 7],
    ]);
    const early = dice.chance(0.7);
    const windowOpens = startMs - windowMs;
    const to = Math.min(latestMs, startMs - 30 * MINUTE_MS);
    if (to <= createdMs + 20 * MINUTE_MS) return false;
    if (last === "requested" && dice.chance(0.5)) approve();
    const from = history[history.length - 1]!.at.getTime() + 10 * MINUTE_MS;
    if (to <= from) return false;
    const lo = early ? from : Math.max(from, windowOpens);
    const hi = early ? Math.min(to, windowOpens - HOUR_MS) : to;
    const at = new Date(Math.floor((hi > lo ? lo + dice.next() * (hi - lo) : from + dice.next() * (to - from)) / 1000) * 1000);
    const byPatient = (reason === "patient_request" || reason === "illness") && d.channel !== "staff" && dice.chance(0.75);
    const by = byPatient ? PATIENT : clerk;
    step("cancelled", by, at, reason.replace("_", " "));
    visit.status = "cancelled";
    visit.cancellationReason = reason;
    visit.cancelledAt = at;
    visit.cancelledBy = by;
    visit.cancellationNote = dice.chance(0.4) ? dice.pick(CANCELLATION_NOTES[reason]) : null;
    if (hasDeposit) {
      // Inside the window the deposit is kept, unless the clinic cancelled.
      const late = at.getTime() >= windowOpens && reason !== "staff_unavailable";
      visit.paymentStatus = late ? "captured" : "released";
    }
    return true;
  };

  if (d.past) {
    const roll = dice.next();
    // Deposits make no-shows rare, as the clinics found.
    const noShowRate = hasDeposit ? 0.03 : 0.08;
    const cancelled = roll < 0.11 && cancel(nowMs);
    if (!cancelled) {
      if (last === "requested") approve();
      if (roll < 0.11 + noShowRate) {
        step("no_show", "system", new Date(d.end.getTime() + 15 * MINUTE_MS), "Did not arrive");
        visit.status = "no_show";
      } else {
        const arrived = startMs - dice.int(2, 15) * MINUTE_MS;
        const called = startMs + dice.int(0, 6) * MINUTE_MS;
        const done = Math.max(called + 5 * MINUTE_MS, d.end.getTime() + dice.int(-4, 4) * MINUTE_MS);
        step("checked_in", clerk, new Date(arrived));
        step("in_consultation", `staff:${d.doctorId}`, new Date(called));
        step("completed", `staff:${d.doctorId}`, new Date(done));
        visit.status = "completed";
      }
      if (hasDeposit) visit.paymentStatus = "captured";
    }
  } else if (!(dice.chance(0.05) && cancel(nowMs))) {
    if (last === "requested" && dice.chance(0.45)) approve();
    visit.status = last;
    if (hasDeposit && last === "confirmed") {
      // Deposits are authorized five days ahead and captured when the cancellation window opens.
      if (nowMs >= startMs - windowMs) visit.paymentStatus = "captured";
      else if (startMs - nowMs <= 5 * DAY_MS) visit.paymentStatus = dice.chance(0.04) ? "failed" : "authorized";
    }
  }
  visit.updatedAt = history[history.length - 1]!.at;
  return visit;
}

function localeOf(country: string): Locale {
  return country === "DE" || country === "UZ" ? LOCALES[country] : LOCALES.US;
}

// ---------------------------------------------------------------------------------------------
// Writing

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Demo accounts by phone; a name someone gave themselves is kept (as at booking). */
async function writePeople(tx: Tx, people: Person[]) {
  const accounts = await tx.$queryRaw<{ id: string; phone: string }[]>`
    INSERT INTO patient_accounts (phone, first_name, last_name, email, date_of_birth)
    SELECT * FROM unnest(${people.map((p) => p.phone)}::text[], ${people.map((p) => p.firstName)}::text[], ${people.map((p) => p.lastName)}::text[],
                         ${people.map((p) => p.email)}::text[], ${people.map((p) => p.dateOfBirth)}::date[])
    ON CONFLICT (phone) DO UPDATE
      SET first_name = coalesce(patient_accounts.first_name, EXCLUDED.first_name),
          last_name = coalesce(patient_accounts.last_name, EXCLUDED.last_name),
          email = coalesce(patient_accounts.email, EXCLUDED.email)
    RETURNING id::text AS id, phone`;
  const idByPhone = new Map(accounts.map((a) => [a.phone, a.id]));
  const accountIds = people.map((p) => idByPhone.get(p.phone)!);

  // Family members are added once per account: another clinic's demo may have added them already.
  const wanted = people.flatMap((p, i) => p.dependents.map((d) => ({ ...d, account: accountIds[i]! })));
  let dependentsWritten = 0;
  if (wanted.length) {
    dependentsWritten = await tx.$executeRaw`
      INSERT INTO dependents (patient_account_id, first_name, last_name, relationship, date_of_birth)
      SELECT d.account, d.first_name, d.last_name, d.relationship::dependent_relationship, d.born
        FROM unnest(${wanted.map((d) => d.account)}::uuid[], ${wanted.map((d) => d.firstName)}::text[], ${wanted.map((d) => d.lastName)}::text[],
                    ${wanted.map((d) => d.relationship)}::text[], ${wanted.map((d) => d.dateOfBirth)}::date[]) AS d(account, first_name, last_name, relationship, born)
       WHERE NOT EXISTS (SELECT 1 FROM dependents x WHERE x.patient_account_id = d.account AND x.first_name = d.first_name AND x.relationship = d.relationship::dependent_relationship)`;
  }
  const existing = await tx.dependent.findMany({
    where: { patientAccountId: { in: accountIds } },
    select: { id: true, patientAccountId: true, firstName: true, relationship: true },
    orderBy: [{ createdAt: "asc" }, { firstName: "asc" }],
  });
  // Each person's dependents as the plan knows them, matched by name and relationship.
  const dependentIds = people.map((p, i) =>
    p.dependents.map((d) => existing.find((e) => e.patientAccountId === accountIds[i] && e.firstName === d.firstName && e.relationship === d.relationship)?.id ?? null),
  );
  return { accountIds, dependentIds, dependentsWritten };
}

async function writeVisits(tx: Tx, clinicId: string, currency: string, visits: Visit[], accountIds: string[], dependentIds: (string | null)[][]) {
  const patientId = (v: Visit) => accountIds[v.patient]!;
  const label = (value: string, v: Visit) => (value === PATIENT ? `patient:${patientId(v)}` : value);

  const firstSeen = new Map<string, number>();
  for (const v of visits) firstSeen.set(patientId(v), Math.min(firstSeen.get(patientId(v)) ?? Infinity, v.createdAt.getTime()));
  const seen = [...firstSeen];
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id, first_seen_at)
    SELECT ${clinicId}::uuid, p.id, p.first_seen FROM unnest(${seen.map(([id]) => id)}::uuid[], ${seen.map(([, ms]) => new Date(ms).toISOString())}::timestamptz[]) AS p(id, first_seen)
    ON CONFLICT (clinic_id, patient_account_id) DO UPDATE SET first_seen_at = LEAST(clinic_patients.first_seen_at, EXCLUDED.first_seen_at)`;
  // A patient who booked online here proved the phone, allowed deposits and shared whom they booked
  // for (docs/decisions/030); patients only ever booked by the desk or the API stay the clinic's own.
  const online = visits.filter((v) => v.channel === "clinic_site" || v.channel === "marketplace");
  const onlinePatients = [...new Set(online.map(patientId))];
  if (onlinePatients.length) {
    await tx.$executeRaw`
      UPDATE clinic_patients SET linked_at = first_seen_at, linked_by = 'online_booking', deposits_allowed_at = first_seen_at
       WHERE clinic_id = ${clinicId}::uuid AND patient_account_id = ANY (${onlinePatients}::uuid[]) AND linked_at IS NULL`;
  }
  const shared = [...new Map(online.filter((v) => v.dependent !== null && dependentIds[v.patient]![v.dependent]).map((v) => [dependentIds[v.patient]![v.dependent!]!, patientId(v)])).entries()];
  if (shared.length) {
    await tx.$executeRaw`
      INSERT INTO clinic_family_members (clinic_id, dependent_id, patient_account_id)
      SELECT ${clinicId}::uuid, s.dependent_id, s.patient_account_id FROM unnest(${shared.map(([d]) => d)}::uuid[], ${shared.map(([, p]) => p)}::uuid[]) AS s(dependent_id, patient_account_id)
      ON CONFLICT DO NOTHING`;
  }

  // The expired-hold trigger runs a lookup per inserted row, and a plan cached while the clinic had
  // no appointments scans the whole table: planned once, this insert grew quadratic. Plan each
  // lookup afresh while the appointments go in, and go back to cached plans for the rest.
  await tx.$executeRaw`SET LOCAL plan_cache_mode = force_custom_plan`;
  for (const part of chunks(visits, INSERT_CHUNK)) {
    const col = <T>(f: (v: Visit) => T) => part.map(f);
    await tx.$executeRaw`
      INSERT INTO appointments (clinic_id, id, service_id, doctor_id, location_id, room_id, patient_account_id, dependent_id, status,
                                starts_at, ends_at, blocked_from, blocked_to, channel, payment_status, price_minor, deposit_minor, currency,
                                cancellation_window_min, patient_note, cancellation_reason, cancellation_note, cancelled_by, cancelled_at,
                                external_ref, created_by, created_at, updated_at)
      SELECT ${clinicId}::uuid, a.id, a.service_id, a.doctor_id, a.location_id, a.room_id, a.patient_account_id, a.dependent_id,
             a.status::appointment_status, a.starts_at, a.ends_at, a.blocked_from, a.blocked_to, a.channel::booking_channel,
             a.payment_status::payment_status, a.price_minor, a.deposit_minor, ${currency}, a.cancellation_window_min, a.patient_note,
             a.cancellation_reason::cancellation_reason, a.cancellation_note, a.cancelled_by, a.cancelled_at, a.external_ref, a.created_by,
             a.created_at, a.updated_at
        FROM unnest(
          ${col((v) => v.id)}::uuid[], ${col((v) => v.serviceId)}::uuid[], ${col((v) => v.doctorId)}::uuid[], ${col((v) => v.locationId)}::uuid[],
          ${col((v) => v.roomId)}::uuid[], ${col(patientId)}::uuid[], ${col((v) => (v.dependent === null ? null : dependentIds[v.patient]![v.dependent]))}::uuid[],
          ${col((v) => v.status)}::text[], ${col((v) => iso(v.start))}::timestamptz[], ${col((v) => iso(v.end))}::timestamptz[],
          ${col((v) => iso(v.blockedFrom))}::timestamptz[], ${col((v) => iso(v.blockedTo))}::timestamptz[], ${col((v) => v.channel)}::text[],
          ${col((v) => v.paymentStatus)}::text[], ${col((v) => v.priceMinor)}::int[], ${col((v) => v.depositMinor)}::int[],
          ${col((v) => v.cancellationWindowMin)}::int[], ${col((v) => v.patientNote)}::text[], ${col((v) => v.cancellationReason)}::text[],
          ${col((v) => v.cancellationNote)}::text[], ${col((v) => (v.cancelledBy === null ? null : label(v.cancelledBy, v)))}::text[],
          ${col((v) => iso(v.cancelledAt))}::timestamptz[], ${col((v) => v.externalRef)}::text[], ${col((v) => label(v.createdBy, v))}::text[],
          ${col((v) => iso(v.createdAt))}::timestamptz[], ${col((v) => iso(v.updatedAt))}::timestamptz[]
        ) AS a(id, service_id, doctor_id, location_id, room_id, patient_account_id, dependent_id, status, starts_at, ends_at, blocked_from,
               blocked_to, channel, payment_status, price_minor, deposit_minor, cancellation_window_min, patient_note, cancellation_reason,
               cancellation_note, cancelled_by, cancelled_at, external_ref, created_by, created_at, updated_at)`;
  }

  await tx.$executeRaw`SET LOCAL plan_cache_mode = DEFAULT`;

  const changes = visits.flatMap((v) =>
    v.history.map((h) => ({ appointmentId: v.id, ...h, actorId: h.actorType === "patient" ? patientId(v) : h.actorId })),
  );
  for (const part of chunks(changes, INSERT_CHUNK * 2)) {
    const col = <T>(f: (h: (typeof part)[number]) => T) => part.map(f);
    await tx.$executeRaw`
      INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id, reason, occurred_at)
      SELECT ${clinicId}::uuid, h.appointment_id, h.from_status::appointment_status, h.to_status::appointment_status, h.actor_type, h.actor_id, h.reason, h.occurred_at
        FROM unnest(${col((h) => h.appointmentId)}::uuid[], ${col((h) => h.from)}::text[], ${col((h) => h.to)}::text[], ${col((h) => h.actorType)}::text[],
                    ${col((h) => h.actorId)}::text[], ${col((h) => h.reason)}::text[], ${col((h) => iso(h.at))}::timestamptz[])
             AS h(appointment_id, from_status, to_status, actor_type, actor_id, reason, occurred_at)`;
  }
  return { patients: seen.length, statusChanges: changes.length };
}

/**
 * Writes the demo history of one clinic if it has no appointments yet; returns what it wrote.
 * Runs in one transaction in the clinic's scope, like the import.
 */
export async function seedDemoHistory(db: Db, clinicId: string, options: DemoHistoryOptions = {}): Promise<DemoHistoryResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const empty: DemoHistoryResult = { written: false, appointments: 0, byStatus: {}, patients: 0, dependents: 0, statusChanges: 0, ms: 0 };
  const result = await db.forClinic(clinicId).tx(
    async (tx) => {
      // Two seeds of one clinic at once wait for each other, and the second finds bookings.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('demo-history'), hashtext(${clinicId}))`;
      const [{ any }] = await tx.$queryRaw<[{ any: boolean }]>`SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = ${clinicId}::uuid) AS any`;
      if (any) return empty;

      const clinic = await loadClinic(tx, clinicId);
      if (!clinic.doctors.some((d) => d.rules.length) || !clinic.services.length) return empty;
      const dice = new Dice(seededRandom(`demo-history:${clinic.clinic.slug}`));
      const locale = localeOf(clinic.locations[0]?.country ?? "US");
      const thisYear = Number(utcToZoned(now, clinic.clinic.timeZone).date.slice(0, 4));
      const people = demoPeople(locale, DEMO_PATIENTS, dice, thisYear);
      const visits = plan(clinic, people, now, options.daysBack ?? 122, options.daysAhead ?? 21, dice);
      if (!visits.length) return empty;

      const { accountIds, dependentIds, dependentsWritten } = await writePeople(tx, people);
      const { patients, statusChanges } = await writeVisits(tx, clinicId, clinic.clinic.currency, visits, accountIds, dependentIds);
      const byStatus: DemoHistoryResult["byStatus"] = {};
      for (const v of visits) byStatus[v.status] = (byStatus[v.status] ?? 0) + 1;
      return { written: true, appointments: visits.length, byStatus, patients, dependents: dependentsWritten, statusChanges, ms: 0 };
    },
    { timeoutMs: 120_000 },
  );
  return { ...result, ms: Math.round(performance.now() - started) };
}
