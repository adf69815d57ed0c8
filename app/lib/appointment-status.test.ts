import { describe, expect, test } from "vitest";
import { AppointmentStatus } from "~/generated/prisma/enums";
import { CHANGEABLE_STATUSES, CLAIMS_TIME, MEANING, ON_THE_DIARY, statusesThat, statusIs, UPCOMING_STATUSES } from "./appointment-status";

describe("appointment statuses", () => {
  test("every status of the schema has a meaning, and nothing else does", () => {
    expect(Object.keys(MEANING).sort()).toEqual(Object.values(AppointmentStatus).sort());
  });

  test("the lists the rules rely on", () => {
    // The exclusion constraints' WHERE clause (migration 20261122000000_scheduling) lists these.
    expect(CLAIMS_TIME).toEqual(["held", "requested", "confirmed", "checked_in", "in_consultation", "completed"]);
    expect(CHANGEABLE_STATUSES).toEqual(["requested", "confirmed"]);
    expect(UPCOMING_STATUSES).toEqual(["requested", "confirmed", "checked_in"]);
    expect(ON_THE_DIARY).toEqual(["requested", "confirmed", "checked_in", "in_consultation", "completed", "no_show"]);
    expect(statusesThat("atTheClinic")).toEqual(["confirmed", "checked_in", "in_consultation"]);
    expect(statusesThat("open")).toEqual(["held", "requested", "confirmed", "checked_in", "in_consultation"]);
  });

  test("a status that changes nothing claims no time, and a text that is no status has no meaning", () => {
    for (const s of ["cancelled", "declined", "no_show", "rescheduled", "hold_expired", "hold_released"]) expect(statusIs(s, "claimsTime"), s).toBe(false);
    expect(statusIs("toString", "hold")).toBe(false);
    expect(statusIs("", "changeable")).toBe(false);
  });
});
