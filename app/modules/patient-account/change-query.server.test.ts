import { changeHref, CHANGE_QUERY_KEYS, type ChangeQuery } from "./change-links";
import { changeQuerySchema, parseChangeQuery } from "./change-query.server";

const VISIT = "0b6f6d4e-3c1a-4f3e-9d55-6a1b2c3d4e5f";
const DOCTOR = "2d8b8f60-5e3c-4b50-9f77-8c3d4e5f6071";

describe("a change step's address", () => {
  it("reads back every link the change page builds", () => {
    const queries: ChangeQuery[] = [{}, { doctor: "any", month: "2026-03" }, { doctor: DOCTOR, day: "2026-03-29", hold: VISIT }, { doctor: DOCTOR, day: "2026-03-29", notice: "taken" }];
    for (const q of queries) {
      const href = changeHref(VISIT, q);
      expect(href.startsWith(`/account/appointments/${VISIT}/change`)).toBe(true);
      expect(parseChangeQuery(new URL(href, "http://x").searchParams)).toEqual(q);
    }
  });

  it("checks on the server every key the links carry", () => {
    expect(Object.keys(changeQuerySchema.shape).sort()).toEqual([...CHANGE_QUERY_KEYS].sort());
    expect(parseChangeQuery(new URLSearchParams("notice=gone"))).toBeNull();
    expect(parseChangeQuery(new URLSearchParams("day=2026-02-30"))).toBeNull();
    expect(parseChangeQuery(new URLSearchParams("hold=x"))).toBeNull();
  });
});
