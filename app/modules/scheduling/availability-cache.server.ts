/**
 * Free times, remembered per clinic-local day (docs/decisions/022-availability-cache.md).
 *
 * A day's slots for one service (and doctor and location choice) are computed once from the
 * database and kept until something they depend on changes:
 * - a booking, hold, cancellation, busy block or exception that day's slots could reach ("times"
 *   changes, counted by the UTC hours they touch; a day depends on its own hours and the service's
 *   visit with buffers either side);
 * - anything the slots are made of at the clinic ("setup": services, rules, doctors, rooms, hours);
 * - the first hold in or next to it running out (holds free their time by the clock, not by a write);
 * - ten minutes, as a backstop.
 * Changes arrive through the change feed (every process, every writer). A day computed while a
 * change was being applied is not kept: each day remembers the change counters it was read under.
 *
 * What depends on "now" is applied when the answer is put together: the minimum notice cuts the
 * first day; a day the booking horizon cuts is never kept.
 */
import type { ChangeFeed, CacheChange } from "~/utils/change-feed.server";
import type { RawQuery } from "~/utils/db.server";
import type { TextPart } from "~/utils/gzip-parts.server";
import { loadScheduleData, type Audience, type ScheduleData, type ServiceTerms } from "./schedule-data.server";
import { windowDays, type Slot } from "./slot-engine";

const MINUTE_MS = 60_000;
const DAY_MIN = 1_440;
const MAX_AGE_MS = 10 * MINUTE_MS;
/** Slots kept across all days; the oldest days go first beyond it. */
const MAX_SLOTS = 200_000;

export interface SlotSearchKey {
  clinicId: string;
  timeZone: string;
  serviceId: string;
  practitionerId: string | null;
  locationId: string | null;
}

/** One local day's slots, as computed; never changed once made. */
export interface SlotDay {
  date: string;
  /** The search it belongs to (clinic, service, doctor and location choice). */
  readonly base: string;
  /** The day's bounds in minutes since the epoch (23 or 25 hours on clock-change days). */
  startMin: number;
  endMin: number;
  slots: readonly Slot[];
  /** The day's slots as API JSON objects, joined by commas, made on first use: as bytes and deflated as a gzip piece. */
  part?: TextPart;
  readonly epoch: number;
  readonly setupGen: number;
  /** UTC hours [firstHour, firstHour + gens.length) its slots depend on, and their change counters when read. */
  readonly firstHour: number;
  readonly gens: readonly number[];
  /**
   * The clinic's count of time changes when the day was last found valid (or read): while it is
   * unchanged no hour can have changed, so the check skips the hours. The one field that changes.
   */
  checkedAt: number;
  /** The "now" it was computed for, and until when it holds. */
  readonly computedAt: number;
  readonly validUntil: number;
}

interface Terms {
  terms: ServiceTerms;
  minNoticeMin: number;
  horizonDays: number;
  setupGen: number;
  epoch: number;
}

/**
 * A window's slots by day: `slots` is `day.slots.slice(first, end)` (the day's own list when no
 * bound cut it). `day` is null when the slots were read without the cache.
 */
export interface DaySlots {
  day: SlotDay | null;
  first: number;
  end: number;
  slots: readonly Slot[];
}

function lowerBound(slots: readonly Slot[], t: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slots[mid]!.start.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Changes are counted per UTC hour: a booking makes stale only the days whose slots could reach it. */
const hourOf = (minute: number) => Math.floor(minute / 60);
/** Read before a day's data is known; covers any service's reach (a visit and its buffers under a day). */
const MAX_REACH_MIN = DAY_MIN;

type Compute = (data: ScheduleData, span: { from: Date; to: Date }, now: Date) => Slot[];

type DayFill = Promise<{ terms: Terms | null; day: SlotDay | undefined }>;

export class AvailabilityCache {
  /** Kept days by search, then by local date: a lookup hashes the search once per answer, not once per day. */
  private readonly days = new Map<string, Map<string, SlotDay>>();
  /** Every kept day, oldest first (the order days are let go in). */
  private readonly kept = new Set<SlotDay>();
  private readonly terms = new Map<string, Terms>();
  private readonly setupGens = new Map<string, number>();
  private readonly hourGens = new Map<string, Map<number, number>>();
  /** Time changes per clinic, all hours together. */
  private readonly timesGens = new Map<string, number>();
  /** Days being read, per day: a request that needs one waits for that read instead of reading it again. */
  private readonly filling = new Map<string, DayFill>();
  private epoch = 0;
  private slotCount = 0;
  private changesSincePrune = 0;

  constructor(feed: ChangeFeed) {
    // Subscribing starts the feed; until its first read the caller reads without the cache.
    feed.subscribe((changes) => this.apply(changes));
  }

  /** Applies changes from the feed (exported for tests of the invalidation rules). */
  apply(changes: readonly CacheChange[] | "reset") {
    if (changes === "reset") {
      this.epoch++;
      this.days.clear();
      this.kept.clear();
      this.terms.clear();
      this.slotCount = 0;
      return;
    }
    for (const c of changes) {
      if (c.topic === "setup") {
        this.setupGens.set(c.clinicId, (this.setupGens.get(c.clinicId) ?? 0) + 1);
      } else if (c.topic === "times" && c.from !== null && c.to !== null) {
        this.timesGens.set(c.clinicId, (this.timesGens.get(c.clinicId) ?? 0) + 1);
        let gens = this.hourGens.get(c.clinicId);
        if (!gens) this.hourGens.set(c.clinicId, (gens = new Map()));
        const last = hourOf(Math.ceil(c.to / MINUTE_MS) - 1);
        for (let h = hourOf(Math.floor(c.from / MINUTE_MS)); h <= last; h++) gens.set(h, (gens.get(h) ?? 0) + 1);
      }
    }
    if ((this.changesSincePrune += changes.length) >= 10_000) this.prunePast();
  }

  /** Counters of hours long past are dropped: days that far back offer no slots, whatever they hold. */
  private prunePast() {
    this.changesSincePrune = 0;
    const before = hourOf(Math.floor(Date.now() / MINUTE_MS)) - 3 * 24;
    for (const gens of this.hourGens.values()) for (const h of gens.keys()) if (h < before) gens.delete(h);
  }

  private gensOf(clinicId: string, firstHour: number, count: number): number[] {
    const gens = this.hourGens.get(clinicId);
    return Array.from({ length: count }, (_, i) => gens?.get(firstHour + i) ?? 0);
  }

  private isValid(key: SlotSearchKey, day: SlotDay, now: number): boolean {
    // A day computed for a later "now" may lack times that were still free earlier (a hold that had run out).
    if (day.epoch !== this.epoch || day.setupGen !== (this.setupGens.get(key.clinicId) ?? 0) || now >= day.validUntil || now < day.computedAt) return false;
    const timesGen = this.timesGens.get(key.clinicId) ?? 0;
    if (day.checkedAt === timesGen) return true;
    const gens = this.hourGens.get(key.clinicId);
    if (!gens) return day.gens.every((g) => g === 0);
    for (let i = 0; i < day.gens.length; i++) if ((gens.get(day.firstHour + i) ?? 0) !== day.gens[i]) return false;
    day.checkedAt = timesGen;
    return true;
  }

  /** Starts one read for a run of consecutive days and registers it per day; the returned promises settle per day. */
  private startFill(base: string, query: RawQuery, key: SlotSearchKey, days: readonly { date: string; start: number; end: number }[], now: Date, compute: Compute): DayFill[] {
    const read = this.fill(query, key, days, now, compute);
    return days.map((d) => {
      const dayKey = `${base}|${d.date}`;
      const one = read.then((r) => ({ terms: r.terms, day: r.days.find((x) => x.date === d.date) }));
      this.filling.set(dayKey, one);
      void one.then(
        () => this.filling.get(dayKey) === one && this.filling.delete(dayKey),
        () => this.filling.get(dayKey) === one && this.filling.delete(dayKey),
      );
      return one;
    });
  }

  private keyOf(k: SlotSearchKey) {
    return `${k.clinicId}|${k.serviceId}|${k.practitionerId ?? "*"}|${k.locationId ?? "*"}`;
  }

  /**
   * The slots of [from, to) by local day, or null when the service is not bookable for `audience`
   * (no such service, inactive, internal-only for the public). `query` reads outside any transaction.
   */
  async slotDays(
    query: RawQuery,
    key: SlotSearchKey,
    window: { from: Date; to: Date },
    audience: Audience,
    now: Date,
    compute: Compute,
  ): Promise<DaySlots[] | null> {
    const base = this.keyOf(key);
    const nowMs = now.getTime();
    const span = windowDays(key.timeZone, window).days;
    if (span.length === 0) return [];
    const found = new Map<string, SlotDay>();
    const keptDays = this.days.get(base);
    let terms = this.terms.get(base);
    if (terms && (terms.epoch !== this.epoch || terms.setupGen !== (this.setupGens.get(key.clinicId) ?? 0))) terms = undefined;

    // Missing days: those another request is reading are waited for; the rest are read in one
    // statement per run of consecutive days.
    const waits: DayFill[] = [];
    const runs: (typeof span)[number][][] = [];
    let run: (typeof span)[number][] | null = null;
    for (const d of span) {
      const day = keptDays?.get(d.date);
      if (day && terms && this.isValid(key, day, nowMs)) {
        found.set(d.date, day);
        run = null;
        continue;
      }
      const pending = this.filling.get(`${base}|${d.date}`);
      if (pending) {
        waits.push(pending);
        run = null;
      } else {
        if (!run) runs.push((run = []));
        run.push(d);
      }
    }
    for (const days of runs) waits.push(...this.startFill(base, query, key, days, now, compute));
    for (const { terms: read, day } of await Promise.all(waits)) {
      if (!read) return null;
      terms = read;
      if (day) found.set(day.date, day);
    }
    if (!terms) return null;
    const t = terms.terms;
    const bookable = t.visibility === "active" || t.visibility === "seasonal" || (t.visibility === "internal_only" && audience === "staff");
    if (!bookable) return null;

    // The engine's own bounds: whole minutes, minimum notice, horizon, the window.
    const nowMin = Math.floor(nowMs / MINUTE_MS);
    const earliest = Math.max(Math.ceil(window.from.getTime() / MINUTE_MS), nowMin + terms.minNoticeMin) * MINUTE_MS;
    const latest = Math.min(Math.ceil(window.to.getTime() / MINUTE_MS), nowMin + terms.horizonDays * DAY_MIN) * MINUTE_MS;
    const out: DaySlots[] = [];
    for (const d of span) {
      const day = found.get(d.date);
      if (!day) continue;
      const all = day.slots;
      if (all.length === 0) continue;
      // Most days lie wholly inside the bounds: no search needed.
      const first = all[0]!.start.getTime() >= earliest ? 0 : lowerBound(all, earliest);
      const end = all[all.length - 1]!.start.getTime() < latest ? all.length : lowerBound(all, latest);
      if (end > first) out.push({ day, first, end, slots: first === 0 && end === all.length ? all : all.slice(first, end) });
    }
    return out;
  }

  private async fill(
    query: RawQuery,
    key: SlotSearchKey,
    span: readonly { date: string; start: number; end: number }[],
    now: Date,
    compute: Compute,
  ): Promise<{ terms: Terms | null; days: SlotDay[] }> {
    const nowMs = now.getTime();
    // Counters first, data second: a change applied in between leaves what is read here stale, and
    // the stale days then fail their check.
    const epoch = this.epoch;
    const setupGen = this.setupGens.get(key.clinicId) ?? 0;
    const timesGen = this.timesGens.get(key.clinicId) ?? 0;
    const firstHour = hourOf(span[0]!.start - MAX_REACH_MIN);
    const gens = this.gensOf(key.clinicId, firstHour, hourOf(span[span.length - 1]!.end + MAX_REACH_MIN) - firstHour + 1);
    const from = new Date(span[0]!.start * MINUTE_MS);
    const to = new Date(span[span.length - 1]!.end * MINUTE_MS);
    const data = await loadScheduleData(query, key.clinicId, { serviceId: key.serviceId, from, to, now, practitionerId: key.practitionerId, locationId: key.locationId });
    if (!data) return { terms: null, days: [] };
    const terms: Terms = { terms: data.terms, minNoticeMin: data.service.minNoticeMin, horizonDays: data.service.horizonDays, setupGen, epoch };
    const slots = compute(data, { from, to }, now);
    const horizonEnd = nowMs + data.service.horizonDays * DAY_MIN * MINUTE_MS;
    const reach = Math.min(data.service.bufferBeforeMin + data.service.durationMin + data.service.bufferAfterMin, MAX_REACH_MIN);

    const base = this.keyOf(key);
    const days: SlotDay[] = [];
    let i = 0;
    for (const d of span) {
      const own: Slot[] = [];
      while (i < slots.length && slots[i]!.start.getTime() < d.end * MINUTE_MS) {
        if (slots[i]!.start.getTime() >= d.start * MINUTE_MS) own.push(slots[i]!);
        i++;
      }
      let validUntil = nowMs + MAX_AGE_MS;
      for (const h of data.holds) if (h.fromMin < d.end + reach && h.toMin > d.start - reach) validUntil = Math.min(validUntil, h.expiresAt);
      // What the day's slots depend on: its own hours and a visit's reach either side.
      const dayFirstHour = hourOf(d.start - reach);
      const dayGens = gens.slice(dayFirstHour - firstHour, hourOf(d.end + reach - 1) - firstHour + 1);
      const day: SlotDay = { date: d.date, base, startMin: d.start, endMin: d.end, slots: own, epoch, setupGen, firstHour: dayFirstHour, gens: dayGens, checkedAt: timesGen, computedAt: nowMs, validUntil };
      days.push(day);
      // A day the horizon cuts gains slots as time passes: used for this answer, not kept.
      if (d.end * MINUTE_MS <= horizonEnd) this.keep(day);
    }
    this.terms.set(base, terms);
    return { terms, days };
  }

  private keep(day: SlotDay) {
    let ofSearch = this.days.get(day.base);
    if (!ofSearch) this.days.set(day.base, (ofSearch = new Map()));
    const old = ofSearch.get(day.date);
    if (old) {
      this.slotCount -= old.slots.length;
      this.kept.delete(old);
    }
    ofSearch.set(day.date, day);
    this.kept.add(day);
    this.slotCount += day.slots.length;
    for (const d of this.kept) {
      if (this.slotCount <= MAX_SLOTS) break;
      this.kept.delete(d);
      this.slotCount -= d.slots.length;
      const of = this.days.get(d.base);
      of?.delete(d.date);
      if (of?.size === 0) this.days.delete(d.base);
    }
  }

  /** How much is held, for tests and the memory figures. */
  size() {
    return { days: this.kept.size, slots: this.slotCount };
  }

  clear() {
    this.apply("reset");
  }
}

