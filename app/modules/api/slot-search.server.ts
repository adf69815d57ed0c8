/**
 * GET /api/v1/slots answers. The free times come from the availability cache by day; the JSON of
 * a whole cached day, and its compressed piece of a gzip answer (gzip-parts.server.ts), are made
 * once; a whole answer (with its gzip form) is kept as long as every day in it is still the same
 * cached day cut the same way. A repeated question costs neither serialization nor compression,
 * and after a booking only the day it changed is compressed again
 * (docs/decisions/022-availability-cache.md).
 */
import type { z } from "zod";
import type { DaySlots, SlotDay } from "~/modules/scheduling/availability-cache.server";
import { findSlotDays, MAX_SLOT_RANGE_DAYS } from "~/modules/scheduling/slots.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { deflateLastPiece, deflatePiece, gzipFromPieces } from "~/utils/gzip-parts.server";
import { clinicRange } from "./range.server";
import type { ApiRequest } from "./request.server";
import type { slotQuerySchema } from "./schemas.server";
import { serializeSlot } from "./serialize.server";

/** Answers kept (each at most a 62-day window); the oldest go first. */
const MAX_ANSWERS = 256;
const MAX_ANSWER_BYTES = 24 * 1024 * 1024;

export interface SlotsAnswer {
  json: string;
  /** The same JSON gzipped, made on first use from each day's own compressed piece. */
  gzip: () => Promise<Buffer>;
}

interface KeptAnswer {
  days: (SlotDay | null)[];
  cuts: number[];
  json: string;
  /** The gzip pieces, in order (made with the answer, joined on first use). */
  pieces: Buffer[];
  gzipped: Buffer | null;
  bytes: number;
}

const answers = new Map<string, KeptAnswer>();
let answerBytes = 0;

const OPENING = '{"slots":[';
const CLOSING = "]}";
const OPENING_PIECE = deflatePiece(OPENING);
const COMMA_PIECE = deflatePiece(",");
const CLOSING_PIECE = deflateLastPiece(CLOSING);

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

function gzipOf(answer: KeptAnswer): Buffer {
  if (!answer.gzipped) {
    answer.gzipped = gzipFromPieces(answer.pieces, answer.json);
    answer.bytes += answer.gzipped.length;
    answerBytes += answer.gzipped.length;
  }
  return answer.gzipped;
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
  if (kept && sameDays(kept, days)) return { json: kept.json, gzip: async () => gzipOf(kept) };

  // Each whole cached day's JSON and its compressed piece are made once, for every answer that
  // shows that day; a day a bound cuts is made for this answer.
  const parts: string[] = [];
  const pieces: Buffer[] = [OPENING_PIECE];
  for (const { day, slots } of days) {
    if (parts.length) pieces.push(COMMA_PIECE);
    if (day && slots === day.slots) {
      parts.push((day.json ??= slotsJson(slots, timeZone)));
      pieces.push((day.jsonPiece ??= deflatePiece(day.json)));
    } else {
      const json = slotsJson(slots, timeZone);
      parts.push(json);
      pieces.push(deflatePiece(json));
    }
  }
  pieces.push(CLOSING_PIECE);
  const answer: KeptAnswer = {
    days: days.map((d) => d.day),
    cuts: days.flatMap((d) => [d.first, d.end]),
    json: `${OPENING}${parts.join(",")}${CLOSING}`,
    pieces,
    gzipped: null,
    bytes: 0,
  };
  answer.bytes = answer.json.length;
  // An answer read without the cache is not kept: nothing would tell when it goes stale.
  if (days.every((d) => d.day)) keep(key, answer);
  return { json: answer.json, gzip: async () => gzipOf(answer) };
}
