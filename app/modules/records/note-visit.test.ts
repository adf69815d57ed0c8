import { describe, expect, it } from "vitest";
import { visitBeingSeen, type NoteVisitCandidate } from "./note-visit";

const now = new Date("2026-12-08T15:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
const visit = (id: string, doctorId: string, minutes: number, status = "confirmed"): NoteVisitCandidate => ({ id, doctorId, startsAtIso: at(minutes), status });

describe("the visit a new chart note is about", () => {
  // Newest first, as the record's timeline lists them.
  const timeline = [visit("other-future", "dr-b", 7 * 24 * 60), visit("mine-next-week", "dr-a", 6 * 24 * 60), visit("mine-now", "dr-a", -10, "checked_in"), visit("other-today", "dr-b", -60, "completed"), visit("mine-last-month", "dr-a", -30 * 24 * 60, "completed")];

  it("is the visit being seen, not another doctor's future visit at the top of the list", () => {
    expect(visitBeingSeen(timeline, "dr-a", now)).toBe("mine-now");
  });
  it("is the one in consultation first, then a visit about to start, never a future one", () => {
    expect(visitBeingSeen([visit("later", "dr-a", 120), visit("in", "dr-a", -90, "in_consultation")], "dr-a", now)).toBe("in");
    expect(visitBeingSeen([visit("later", "dr-a", 120), visit("soon", "dr-a", 20)], "dr-a", now)).toBe("soon");
    expect(visitBeingSeen([visit("later", "dr-a", 120)], "dr-a", now)).toBe("");
  });
  it("is the visit a link names when it is this doctor's; another doctor's named visit is ignored", () => {
    expect(visitBeingSeen(timeline, "dr-a", now, "mine-last-month")).toBe("mine-last-month");
    expect(visitBeingSeen(timeline, "dr-a", now, "other-today")).toBe("mine-now");
  });
  it("is the doctor's latest past visit when nothing is under way, and none for someone who is not the patient's doctor", () => {
    expect(visitBeingSeen(timeline.filter((v) => v.id !== "mine-now"), "dr-a", now)).toBe("mine-last-month");
    expect(visitBeingSeen(timeline, null, now)).toBe("");
  });
});
