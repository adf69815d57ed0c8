/**
 * GET /api/v1/slots answers. The free times come from the availability cache by day; the JSON of
 * a whole cached day, as bytes and as its compressed piece of a gzip answer (gzip-parts.server.ts),
 * is made once; a whole answer (with its gzip form) is kept as long as every day in it is still the
 * same cached day cut the same way. A repeated question costs neither serialization nor
 * compression, and after a booking only the day it changed is compressed again; the answer's whole
 * text is put together only for a client that does not take gzip
 * (docs/decisions/022-availability-cache.md).
 */
import type { z } from "zod";
import type { DaySlots, SlotDay } from "~/modules/scheduling/availability-cache.server";
import { findSlotDays, MAX_SLOT_RANGE_DAYS } from "~/modules/scheduling/slots.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { gzipFromParts, lastTextPart, plainFromParts, textPart, type TextPart } from "~/utils/gzip-parts.server";
import { clinicRange } from "./range.server";
import type { ApiRequest } from "./request.server";
import type { slotQuerySchema } from "./schemas.server";
import { serializeSlot } from "./serialize.server";

/** Answers kept (each at most a 62-day window); the oldest go first. */
const MAX_ANSWERS = 256;
const MAX_ANSWER_BYTES = 24 * 1024 * 1024;

export interface SlotsAnswer {
  /** The JSON as bytes. */
  plain: () => Buffer;
  /** The same JSON gzipped, made on first use from each day's own compressed piece. */
  gzip: () => Buffer;
}

interface KeptAnswer {
  days: (SlotDay | null)[];
  cuts: number[];
  /** The text in order: the opening, each day's part and the commas between, the closing. */
  parts: TextPart[];
  plain: Buffer | null;
  gzipped: Buffer | null;
  /**
   * What this answer holds: its days' parts counted as its own even when other answers share them
   * (a kept answer keeps a replaced day's part alive), and its plain and gzip forms once made.
   */
  bytes: number;
}

const answers = new Map<string, KeptAnswer>();
let answerBytes = 0;

const OPENING = textPart('{"slots":[');
const COMMA = textPart(",");
const CLOSING = lastTextPart("]}");

const slotsJson = (slots: readonly Slot[], timeZone: string) => slots.map((s) => JSON.stringify(serializeSlot(s, timeZone))).join(",");

function sameDays(kept: KeptAnswer, days: DaySlots[]): boolean {
  if (kept.days.length !== days.length) return false;
  for (let i = 0; i < days.length; i++) {
    const d = days[i]!;
    if (!d.day || kept.days[i] !== d.day || kept.cuts[2 * i] !== d.first || kept.cuts[2 * i + 1] !== d.end) return false;
  }
  return true;
}

function keep(key: string, answer: KeptAnswer) {
  const old = answers.get(key);
  if (old) {
    answerBytes -= old.bytes;
    answers.delete(key);
  }
  answers.set(key, answer);
  answerBytes += answer.bytes;
  for (const [k, a] of answers) {
    if (answers.size <= MAX_ANSWERS && answerBytes <= MAX_ANSWER_BYTES) break;
    answers.delete(k);
    answerBytes -= a.bytes;
  }
}

/** Grows a kept answer's own size by a form made on first use (an answer not kept counts nowhere). */
function grow(key: string, answer: KeptAnswer, bytes: number) {
  answer.bytes += bytes;
  if (answers.get(key) === answer) answerBytes += bytes;
}

function formsOf(key: string, answer: KeptAnswer): SlotsAnswer {
  return {
    plain: () => {
      if (!answer.plain) grow(key, answer, (answer.plain = plainFromParts(answer.parts)).length);
      return answer.plain;
    },
    gzip: () => {
      if (!answer.gzipped) grow(key, answer, (answer.gzipped = gzipFromParts(answer.parts)).length);
      return answer.gzipped;
    },
  };
}

/** Free times of a service, as `{"slots":[…]}`; the range is checked here so a bad one costs no database work. */
export async function searchSlots(api: ApiRequest, query: z.output<typeof slotQuerySchema>): Promise<SlotsAnswer> {
  const { timeZone } = api.clinic;
  const { from, to } = clinicRange(query, timeZone, MAX_SLOT_RANGE_DAYS);
  const practitionerId = query.practitionerId ?? null;
  const locationId = query.locationId ?? null;
  const days = await findSlotDays(api.db, api.clinic, { serviceId: query.serviceId, from, to, practitionerId, locationId, audience: api.audience });
  const key = `${api.clinic.id}|${query.serviceId}|${practitionerId ?? "*"}|${locationId ?? "*"}|${api.audience}|${from.getTime()}|${to.getTime()}`;
  const kept = answers.get(key);
  if (kept && sameDays(kept, days)) return formsOf(key, kept);

  // Each whole cached day's part is made once, for every answer that shows that day; a day a
  // bound cuts is made for this answer.
  const parts: TextPart[] = [OPENING];
  let held = 0;
  for (const { day, slots } of days) {
    if (parts.length > 1) parts.push(COMMA);
    const part = day && slots === day.slots ? (day.part ??= textPart(slotsJson(slots, timeZone))) : textPart(slotsJson(slots, timeZone));
    held += part.bytes.length + part.piece.length;
    parts.push(part);
  }
  parts.push(CLOSING);
  const answer: KeptAnswer = { days: days.map((d) => d.day), cuts: days.flatMap((d) => [d.first, d.end]), parts, plain: null, gzipped: null, bytes: held };
  // An answer read without the cache is not kept: nothing would tell when it goes stale.
  if (days.every((d) => d.day)) keep(key, answer);
  return formsOf(key, answer);
}
