import { describe, expect, test } from "vitest";
import { type OpeningPeriod, type Weekday, WEEKDAYS } from "../tenancy/opening-hours";
import { type AvailabilityRule, type BusyBlock, computeSlots, mergeAnyDoctor, type Slot, type SlotQuery, type SlotService } from "./slot-engine";
import { addDays, offsetMinutes, utcToZoned, zonedToUtc } from "~/lib/zoned-time";

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const TASHKENT = "Asia/Tashkent";

function at(date: string, time: string, zone: string): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, zone);
}

/** "YYYY-MM-DD HH:MM" in the clinic's zone, so expectations read like a clinic calendar. */
function wall(d: Date, zone: string): string {
  const { date, minutes } = utcToZoned(d, zone);
  return `${date} ${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

const starts = (slots: Slot[], zone: string) => slots.map((s) => wall(s.start, zone));
const startsOf = (slots: Slot[], zone: string, doctorId: string) => starts(slots.filter((s) => s.doctorId === doctorId), zone);

function everyDay(open: string, close: string): Record<Weekday, OpeningPeriod[]> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open, close }]])) as Record<Weekday, OpeningPeriod[]>;
}

function rule(weekday: Weekday, start: string, end: string, extra: Partial<AvailabilityRule> = {}): AvailabilityRule {
  return { locationId: "loc-a", weekday, start, end, breaks: [], ...extra };
}

const service: SlotService = {
  id: "svc",
  durationMin: 30,
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  startGridMin: 30,
  minNoticeMin: 0,
  horizonDays: 365,
  roomType: null,
  eligibleDoctorIds: ["doc-a"],
  eligibleLocationIds: ["loc-a"],
};

/** A query over whole local days [first, last] with one doctor at one location open 07:00–23:00. */
function query(zone: string, first: string, last: string, overrides: Partial<SlotQuery> = {}, svc: Partial<SlotService> = {}): SlotQuery {
  return {
    timeZone: zone,
    now: new Date("2027-01-01T00:00:00Z"),
    window: { from: at(first, "00:00", zone), to: at(addDays(last, 1), "00:00", zone) },
    service: { ...service, ...svc },
    locations: [{ id: "loc-a", openingHours: everyDay("07:00", "23:00") }],
    doctors: [{ id: "doc-a", rules: WEEKDAYS.map((d) => rule(d, "09:00", "17:00")) }],
    rooms: [],
    exceptions: [],
    busy: [],
    ...overrides,
  };
}

const halfHours = (date: string, from: number, to: number) => {
  const out: string[] = [];
  for (let m = from; m < to; m += 30) out.push(`${date} ${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  return out;
};

describe("daylight-saving days keep a 09:00 shift at 09:00 local", () => {
  test.each([
    [NY, "2027-03-13", "2027-03-14"],
    [NY, "2027-11-06", "2027-11-07"],
    [BERLIN, "2027-03-27", "2027-03-28"],
    [BERLIN, "2027-10-30", "2027-10-31"],
  ])("%s: %s and the change day %s", (zone, dayBefore, changeDay) => {
    const slots = computeSlots(query(zone, dayBefore, changeDay));
    expect(starts(slots, zone)).toEqual([...halfHours(dayBefore, 540, 1020), ...halfHours(changeDay, 540, 1020)]);

    const firstBefore = slots[0] as Slot;
    const firstOnChange = slots[16] as Slot;
    expect(firstBefore.start.getTime()).toBe(at(dayBefore, "09:00", zone).getTime());
    expect(firstOnChange.start.getTime()).toBe(at(changeDay, "09:00", zone).getTime());
    // The same local 09:00 is a different UTC time: the offset changed overnight.
    expect(offsetMinutes(firstOnChange.start, zone) - offsetMinutes(firstBefore.start, zone)).toBe(changeDay.endsWith("-03-14") || changeDay.endsWith("-03-28") ? 60 : -60);
    expect(firstOnChange.start.getTime() - firstBefore.start.getTime()).toBe((changeDay.endsWith("-03-14") || changeDay.endsWith("-03-28") ? 23 : 25) * 3_600_000);
  });

  test("New York spring-forward, exact UTC instants", () => {
    const slots = computeSlots(query(NY, "2027-03-13", "2027-03-14"));
    expect(slots[0]?.start.toISOString()).toBe("2027-03-13T14:00:00.000Z");
    expect(slots[16]?.start.toISOString()).toBe("2027-03-14T13:00:00.000Z");
  });

  test("a night shift across the spring-forward gap gets its real, shorter length", () => {
    // 01:00–04:00 on 2027-03-14 in New York is two real hours: 02:00–03:00 does not exist.
    const slots = computeSlots(
      query(NY, "2027-03-14", "2027-03-14", {
        locations: [{ id: "loc-a", openingHours: everyDay("00:00", "24:00") }],
        doctors: [{ id: "doc-a", rules: [rule("sun", "01:00", "04:00")] }],
      }, { durationMin: 60, startGridMin: 60 }),
    );
    expect(starts(slots, NY)).toEqual(["2027-03-14 01:00", "2027-03-14 03:00"]);

    // A shift written to start at the nonexistent 02:30 starts when the clocks resume, at 03:00.
    const fromGap = computeSlots(
      query(NY, "2027-03-14", "2027-03-14", {
        locations: [{ id: "loc-a", openingHours: everyDay("00:00", "24:00") }],
        doctors: [{ id: "doc-a", rules: [rule("sun", "02:30", "05:00")] }],
      }),
    );
    expect(starts(fromGap, NY)).toEqual(["2027-03-14 03:00", "2027-03-14 03:30", "2027-03-14 04:00", "2027-03-14 04:30"]);
  });

  test("on the fall-back day the repeated hour offers its first occurrence once", () => {
    // 00:00–03:00 on 2027-11-07 in New York lasts four real hours; 01:00 happens at 05:00Z and 06:00Z.
    const slots = computeSlots(
      query(NY, "2027-11-07", "2027-11-07", {
        locations: [{ id: "loc-a", openingHours: everyDay("00:00", "24:00") }],
        doctors: [{ id: "doc-a", rules: [rule("sun", "00:00", "03:00")] }],
      }, { durationMin: 60, startGridMin: 60 }),
    );
    expect(slots.map((s) => s.start.toISOString())).toEqual(["2027-11-07T04:00:00.000Z", "2027-11-07T05:00:00.000Z", "2027-11-07T07:00:00.000Z"]);
    expect(slots[2]?.end.toISOString()).toBe("2027-11-07T08:00:00.000Z");
  });
});

test("Tashkent (no daylight saving): a plain week", () => {
  const slots = computeSlots(
    query(TASHKENT, "2027-03-22", "2027-03-28", {
      doctors: [{ id: "doc-a", rules: (["mon", "tue", "wed", "thu", "fri"] as const).map((d) => rule(d, "09:00", "13:00")) }],
    }, { durationMin: 60, startGridMin: 60 }),
  );
  expect(slots).toHaveLength(20);
  expect(new Set(slots.map((s) => s.start.getUTCHours()))).toEqual(new Set([4, 5, 6, 7]));
  expect(starts(slots, TASHKENT).slice(0, 5)).toEqual(["2027-03-22 09:00", "2027-03-22 10:00", "2027-03-22 11:00", "2027-03-22 12:00", "2027-03-23 09:00"]);
  expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 3_600_000 && s.roomId === null && s.locationId === "loc-a")).toBe(true);
});

describe("the doctor's time", () => {
  const day = "2027-05-04";

  test("buffers on both sides: the candidate's buffers must fall in free, working time", () => {
    // An appointment 10:00–10:30 with its own 10-minute buffers occupies 09:50–10:40.
    // A 15-minute visit with 5-minute buffers needs [start − 5, start + 20] free inside 09:00–12:00.
    const slots = computeSlots(
      query(BERLIN, day, day, {
        doctors: [{ id: "doc-a", rules: [rule("tue", "09:00", "12:00")] }],
        busy: [{ doctorId: "doc-a", start: at(day, "09:50", BERLIN), end: at(day, "10:40", BERLIN) }],
      }, { durationMin: 15, startGridMin: 15, bufferBeforeMin: 5, bufferAfterMin: 5 }),
    );
    // 09:00 lacks its 5 minutes before; 09:45–10:30 run into the appointment; 11:45 would end after 12:00.
    expect(starts(slots, BERLIN)).toEqual(["2027-05-04 09:15", "2027-05-04 09:30", "2027-05-04 10:45", "2027-05-04 11:00", "2027-05-04 11:15", "2027-05-04 11:30"]);
    expect(slots[0]?.end.getTime()).toBe(at(day, "09:30", BERLIN).getTime());
  });

  test("the buffer may lie outside opening hours, the visit may not", () => {
    const slots = computeSlots(
      query(BERLIN, day, day, {
        locations: [{ id: "loc-a", openingHours: everyDay("09:00", "10:00") }],
        doctors: [{ id: "doc-a", rules: [rule("tue", "08:30", "10:30")] }],
      }, { durationMin: 30, startGridMin: 30, bufferBeforeMin: 15, bufferAfterMin: 15 }),
    );
    expect(starts(slots, BERLIN)).toEqual(["2027-05-04 09:00", "2027-05-04 09:30"]);
  });

  test("a lunch break", () => {
    const slots = computeSlots(
      query(BERLIN, day, day, {
        doctors: [{ id: "doc-a", rules: [rule("tue", "09:00", "13:00", { breaks: [{ start: "11:00", end: "12:00" }] })] }],
      }, { durationMin: 60, startGridMin: 30 }),
    );
    expect(starts(slots, BERLIN)).toEqual(["2027-05-04 09:00", "2027-05-04 09:30", "2027-05-04 10:00", "2027-05-04 12:00"]);
  });

  test("time off removes the doctor, not the colleague", () => {
    const slots = computeSlots(
      query(BERLIN, day, addDays(day, 1), {
        doctors: [
          { id: "doc-a", rules: [rule("tue", "09:00", "10:00"), rule("wed", "09:00", "10:00")] },
          { id: "doc-b", rules: [rule("tue", "09:00", "10:00")] },
        ],
        exceptions: [{ kind: "time_off", doctorId: "doc-a", start: at(day, "00:00", BERLIN), end: at(addDays(day, 1), "00:00", BERLIN) }],
      }, { eligibleDoctorIds: ["doc-a", "doc-b"] }),
    );
    expect(startsOf(slots, BERLIN, "doc-a")).toEqual(["2027-05-05 09:00", "2027-05-05 09:30"]);
    expect(startsOf(slots, BERLIN, "doc-b")).toEqual(["2027-05-04 09:00", "2027-05-04 09:30"]);
  });

  test("a fully booked day has no slots; the next day is untouched", () => {
    const slots = computeSlots(
      query(BERLIN, day, addDays(day, 1), {
        busy: [
          { doctorId: "doc-a", start: at(day, "09:00", BERLIN), end: at(day, "13:00", BERLIN) },
          { doctorId: "doc-a", start: at(day, "13:00", BERLIN), end: at(day, "17:00", BERLIN) },
        ],
      }),
    );
    expect(slots.filter((s) => wall(s.start, BERLIN).startsWith(day))).toEqual([]);
    expect(slots).toHaveLength(16);
  });

  test("a 07:00–23:00 shift", () => {
    const slots = computeSlots(
      query(BERLIN, day, day, { doctors: [{ id: "doc-a", rules: [rule("tue", "07:00", "23:00")] }] }, { durationMin: 60, startGridMin: 60 }),
    );
    expect(slots).toHaveLength(16);
    expect(wall(slots[0]!.start, BERLIN)).toBe("2027-05-04 07:00");
    expect(wall(slots[15]!.start, BERLIN)).toBe("2027-05-04 22:00");
    expect(wall(slots[15]!.end, BERLIN)).toBe("2027-05-04 23:00");
  });

  test("effective dates: a rule applies only on local dates inside its range", () => {
    const slots = computeSlots(
      query(BERLIN, "2027-05-03", "2027-05-10", {
        doctors: [
          {
            id: "doc-a",
            rules: [rule("mon", "09:00", "10:00", { effectiveTo: "2027-05-03" }), rule("mon", "14:00", "15:00", { effectiveFrom: "2027-05-10" })],
          },
        ],
      }),
    );
    expect(starts(slots, BERLIN)).toEqual(["2027-05-03 09:00", "2027-05-03 09:30", "2027-05-10 14:00", "2027-05-10 14:30"]);
  });
});

describe("a night shift and an appointment across midnight", () => {
  const night = {
    locations: [{ id: "loc-a", openingHours: { fri: [{ open: "20:00", close: "24:00" }], sat: [{ open: "00:00", close: "02:00" }] } }],
    doctors: [{ id: "doc-a", rules: [rule("fri", "20:00", "24:00"), rule("sat", "00:00", "02:00")] }],
  };

  test("fri 20:00–24:00 and sat 00:00–02:00 join into one shift, so a visit may span midnight", () => {
    const slots = computeSlots(query(BERLIN, "2027-05-07", "2027-05-08", night, { durationMin: 60 }));
    expect(starts(slots, BERLIN)).toEqual([
      ...halfHours("2027-05-07", 20 * 60, 24 * 60),
      "2027-05-08 00:00",
      "2027-05-08 00:30",
      "2027-05-08 01:00",
    ]);
  });

  test("an appointment 22:30–00:30 blocks both sides of midnight", () => {
    const busy: BusyBlock[] = [{ doctorId: "doc-a", start: at("2027-05-07", "22:30", BERLIN), end: at("2027-05-08", "00:30", BERLIN) }];
    const slots = computeSlots(query(BERLIN, "2027-05-07", "2027-05-08", { ...night, busy }, { durationMin: 60 }));
    expect(starts(slots, BERLIN)).toEqual(["2027-05-07 20:00", "2027-05-07 20:30", "2027-05-07 21:00", "2027-05-07 21:30", "2027-05-08 00:30", "2027-05-08 01:00"]);
  });
});

describe("the location", () => {
  const day = "2027-05-04";

  test("a closure of this location removes its slots; a whole-clinic closure cuts every location", () => {
    const base = query(BERLIN, day, addDays(day, 1));
    const closed = computeSlots({
      ...base,
      exceptions: [
        { kind: "closure", locationId: "loc-a", start: at(day, "00:00", BERLIN), end: at(addDays(day, 1), "00:00", BERLIN) },
        { kind: "closure", locationId: "loc-b", start: at(addDays(day, 1), "00:00", BERLIN), end: at(addDays(day, 2), "00:00", BERLIN) },
      ],
    });
    expect(closed.every((s) => wall(s.start, BERLIN).startsWith(addDays(day, 1)))).toBe(true);
    expect(closed).toHaveLength(16);

    const clinicWide = computeSlots({
      ...base,
      exceptions: [{ kind: "closure", locationId: null, start: at(day, "12:00", BERLIN), end: at(addDays(day, 2), "00:00", BERLIN) }],
    });
    expect(starts(clinicWide, BERLIN)).toEqual(halfHours(day, 9 * 60, 12 * 60));
  });

  test("extra hours add doctor time only where the location is open", () => {
    // Saturday the location opens 09:00–13:00; Sunday it is closed. The doctor has no weekend rule.
    const sat = "2027-05-08";
    const sun = "2027-05-09";
    const slots = computeSlots(
      query(BERLIN, sat, sun, {
        locations: [{ id: "loc-a", openingHours: { sat: [{ open: "09:00", close: "13:00" }] } }],
        doctors: [{ id: "doc-a", rules: [rule("mon", "09:00", "17:00")] }],
        exceptions: [
          { kind: "extra_hours", doctorId: "doc-a", locationId: "loc-a", start: at(sat, "10:00", BERLIN), end: at(sat, "14:00", BERLIN) },
          { kind: "extra_hours", doctorId: "doc-a", locationId: "loc-a", start: at(sun, "10:00", BERLIN), end: at(sun, "12:00", BERLIN) },
          { kind: "extra_hours", doctorId: "doc-a", locationId: "loc-x", start: at(sat, "09:00", BERLIN), end: at(sat, "10:00", BERLIN) },
        ],
      }, { durationMin: 60, startGridMin: 60 }),
    );
    expect(starts(slots, BERLIN)).toEqual(["2027-05-08 10:00", "2027-05-08 11:00", "2027-05-08 12:00"]);
  });
});

describe("notice, horizon and window", () => {
  const day = "2027-05-04";

  test("minimum notice counts from now", () => {
    const slots = computeSlots(query(BERLIN, day, day, { now: at(day, "08:10", BERLIN) }, { minNoticeMin: 120 }));
    expect(starts(slots, BERLIN)[0]).toBe("2027-05-04 10:30");
    const exact = computeSlots(query(BERLIN, day, day, { now: at(day, "08:30", BERLIN) }, { minNoticeMin: 120 }));
    expect(starts(exact, BERLIN)[0]).toBe("2027-05-04 10:30"); // exactly at the notice is allowed
  });

  test("the horizon ends the bookable time, start exclusive", () => {
    const slots = computeSlots(query(BERLIN, day, addDays(day, 4), { now: at(day, "09:00", BERLIN) }, { horizonDays: 2 }));
    const days = new Set(starts(slots, BERLIN).map((s) => s.slice(0, 10)));
    expect([...days]).toEqual([day, addDays(day, 1)]);
    expect(slots).toHaveLength(32);
  });

  test("starts stay inside the window", () => {
    const q = query(BERLIN, day, day);
    const slots = computeSlots({ ...q, window: { from: at(day, "10:00", BERLIN), to: at(day, "11:00", BERLIN) } });
    expect(starts(slots, BERLIN)).toEqual(["2027-05-04 10:00", "2027-05-04 10:30"]);
    expect(computeSlots({ ...q, window: { from: at(day, "11:00", BERLIN), to: at(day, "10:00", BERLIN) } })).toEqual([]);
  });
});

describe("rooms", () => {
  const day = "2027-05-04";
  const twoDoctors = {
    doctors: [
      { id: "doc-a", rules: [rule("tue", "09:00", "12:00")] },
      { id: "doc-b", rules: [rule("tue", "09:00", "12:00")] },
    ],
  };
  const roomService = { roomType: "xray", durationMin: 60, startGridMin: 60, eligibleDoctorIds: ["doc-a", "doc-b"] };

  test("a busy room leaves no slots for any doctor", () => {
    const slots = computeSlots(
      query(BERLIN, day, day, {
        ...twoDoctors,
        rooms: [{ id: "room-1", locationId: "loc-a", type: "xray" }, { id: "room-2", locationId: "loc-a", type: "consult" }],
        busy: [{ roomId: "room-1", start: at(day, "08:00", BERLIN), end: at(day, "13:00", BERLIN) }],
      }, roomService),
    );
    expect(slots).toEqual([]);
  });

  test("another doctor's appointment in the room blocks it; a second room of the type is chosen by id", () => {
    const busy: BusyBlock[] = [{ doctorId: "doc-b", roomId: "room-1", start: at(day, "10:00", BERLIN), end: at(day, "11:00", BERLIN) }];
    const oneRoom = computeSlots(query(BERLIN, day, day, { ...twoDoctors, busy, rooms: [{ id: "room-1", locationId: "loc-a", type: "xray" }] }, roomService));
    expect(startsOf(oneRoom, BERLIN, "doc-a")).toEqual(["2027-05-04 09:00", "2027-05-04 11:00"]);
    expect(startsOf(oneRoom, BERLIN, "doc-b")).toEqual(["2027-05-04 09:00", "2027-05-04 11:00"]);
    expect(oneRoom.every((s) => s.roomId === "room-1")).toBe(true);

    const rooms = [
      { id: "room-2", locationId: "loc-a", type: "xray" },
      { id: "room-1", locationId: "loc-a", type: "xray" },
      { id: "room-0", locationId: "loc-b", type: "xray" },
    ];
    const twoRooms = computeSlots(query(BERLIN, day, day, { ...twoDoctors, busy, rooms }, roomService));
    expect(twoRooms.filter((s) => s.doctorId === "doc-a").map((s) => [wall(s.start, BERLIN), s.roomId])).toEqual([
      ["2027-05-04 09:00", "room-1"],
      ["2027-05-04 10:00", "room-2"],
      ["2027-05-04 11:00", "room-1"],
    ]);
  });

  test("a room-bound service at a location without such a room has no slots", () => {
    const slots = computeSlots(query(BERLIN, day, day, { rooms: [{ id: "room-0", locationId: "loc-b", type: "xray" }] }, { roomType: "xray" }));
    expect(slots).toEqual([]);
  });
});

describe("any doctor", () => {
  const day = "2027-05-04";
  const q = query(BERLIN, day, day, {
    doctors: [
      { id: "doc-b", rules: [rule("tue", "10:00", "12:00")] },
      { id: "doc-a", rules: [rule("tue", "09:00", "11:00")] },
      { id: "doc-c", rules: [rule("tue", "09:00", "17:00")] },
    ],
  }, { durationMin: 60, startGridMin: 60, eligibleDoctorIds: ["doc-a", "doc-b"] });

  test("one slot per start and doctor, sorted by start then doctor; ineligible doctors never appear", () => {
    const slots = computeSlots(q);
    expect(slots.map((s) => `${wall(s.start, BERLIN).slice(11)} ${s.doctorId}`)).toEqual(["09:00 doc-a", "10:00 doc-a", "10:00 doc-b", "11:00 doc-b"]);
  });

  test("merged: one slot per start and location, from the first doctor by id", () => {
    const merged = mergeAnyDoctor(computeSlots(q));
    expect(merged.map((s) => `${wall(s.start, BERLIN).slice(11)} ${s.doctorId}`)).toEqual(["09:00 doc-a", "10:00 doc-a", "11:00 doc-b"]);
    // The choice does not depend on the order the slots arrive in.
    expect(mergeAnyDoctor([...computeSlots(q)].reverse())).toEqual(merged);
  });

  test("a chosen doctor or location narrows the search", () => {
    expect(computeSlots({ ...q, practitionerId: "doc-b" }).map((s) => s.doctorId)).toEqual(["doc-b", "doc-b"]);
    expect(computeSlots({ ...q, practitionerId: "doc-c" })).toEqual([]);
    expect(computeSlots({ ...q, locationId: "loc-b" })).toEqual([]);
  });
});

// Speed is measured by `npm run bench`, never asserted here; this checks the busy month is right.
test("30 days, 10 doctors, two locations and a busy calendar across the Berlin fall-back day", () => {
  const doctorIds = Array.from({ length: 10 }, (_, i) => `doc-${i}`);
  const first = "2027-10-18"; // the window crosses the Berlin fall-back day
  const busy: BusyBlock[] = [];
  for (let d = 0; d < 30; d++) {
    const date = addDays(first, d);
    for (const [i, id] of doctorIds.entries()) {
      for (let h = 9; h < 17; h += 2) busy.push({ doctorId: id, roomId: `room-${i % 3}`, start: at(date, `${String(h).padStart(2, "0")}:${i % 2 ? "15" : "30"}`, BERLIN), end: at(date, `${String(h).padStart(2, "0")}:45`, BERLIN) });
    }
  }
  const q = query(BERLIN, first, addDays(first, 29), {
    locations: [
      { id: "loc-a", openingHours: everyDay("07:00", "20:00") },
      { id: "loc-b", openingHours: everyDay("08:00", "18:00") },
    ],
    doctors: doctorIds.map((id, i) => ({
      id,
      rules: WEEKDAYS.map((d) => rule(d, "08:00", "18:00", { locationId: i % 2 ? "loc-a" : "loc-b", breaks: [{ start: "12:00", end: "13:00" }] })),
    })),
    rooms: [0, 1, 2].map((i) => ({ id: `room-${i}`, locationId: i === 2 ? "loc-b" : "loc-a", type: "consult" })),
    busy,
  }, { durationMin: 20, startGridMin: 15, bufferBeforeMin: 5, bufferAfterMin: 5, eligibleDoctorIds: doctorIds, eligibleLocationIds: ["loc-a", "loc-b"], roomType: "consult" });

  const slots: Slot[] = computeSlots(q);
  expect(slots).toHaveLength(5400);
  // No slot's padded time touches its doctor's busy blocks.
  for (const slot of slots) {
    const padded = { start: slot.start.getTime() - 5 * 60_000, end: slot.end.getTime() + 5 * 60_000 };
    const clash = busy.some((b) => b.doctorId === slot.doctorId && b.start.getTime() < padded.end && padded.start < b.end.getTime());
    expect(clash, `${slot.doctorId} at ${slot.start.toISOString()}`).toBe(false);
  }
});
