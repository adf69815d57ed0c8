import { bookHref, choiceQuery, CHOICE_KEYS, type Choice } from "./choice";
import { choiceSchema, confirmForm, holdForm, parseChoice } from "./choice.server";

const SERVICE = "0b6f6d4e-3c1a-4f3e-9d55-6a1b2c3d4e5f";
const LOCATION = "1c7a7e5f-4d2b-4a4f-8e66-7b2c3d4e5f60";
const DOCTOR = "2d8b8f60-5e3c-4b50-9f77-8c3d4e5f6071";

describe("the choice in a booking step's address", () => {
  it("reads back every link the pages build", () => {
    const choices: Choice[] = [{}, { service: SERVICE }, { service: SERVICE, location: LOCATION, doctor: "any", month: "2026-03" }, { service: SERVICE, location: LOCATION, doctor: DOCTOR, day: "2026-03-29" }];
    for (const choice of choices) {
      const href = bookHref(choice);
      expect(href.startsWith("/book")).toBe(true);
      expect(parseChoice(new URL(href, "http://x").searchParams)).toEqual(choice);
    }
  });

  it("checks on the server every key the links carry", () => {
    expect(Object.keys(choiceSchema.shape).sort()).toEqual([...CHOICE_KEYS].sort());
    expect(parseChoice(new URLSearchParams(`service=${SERVICE}&doctor=someone`))).toBeNull();
    expect(parseChoice(new URLSearchParams("location=not-an-id"))).toBeNull();
    expect(parseChoice(new URLSearchParams("month=2026-00"))).toBeNull();
  });

  it("puts the hold first and leaves out what is not chosen", () => {
    expect(choiceQuery({ service: SERVICE, day: "2026-03-29", hold: DOCTOR })).toBe(`?hold=${DOCTOR}&service=${SERVICE}&day=2026-03-29`);
    expect(choiceQuery({})).toBe("");
  });

  it("keeps the hold and confirm forms' rules", () => {
    expect(holdForm.safeParse({ start: "2026-03-29T09:00:00-04:00", practitioner: DOCTOR }).success).toBe(true);
    expect(holdForm.safeParse({ start: "2026-03-29 09:00", practitioner: DOCTOR }).success).toBe(false);
    expect(confirmForm.parse({ hold: SERVICE, visitFor: "self" })).toEqual({ intent: "confirm", hold: SERVICE, visitFor: "self" });
    expect(confirmForm.safeParse({ hold: SERVICE, visitFor: "someone" }).success).toBe(false);
    expect(confirmForm.safeParse({ hold: SERVICE, visitFor: "new", note: "x".repeat(501) }).success).toBe(false);
  });
});
