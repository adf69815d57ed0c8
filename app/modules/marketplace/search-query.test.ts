import { describe, expect, test } from "vitest";
import { readSearchForm, searchInputSchema, searchTokens } from "./search-query";

describe("searchTokens", () => {
  test("keeps the distinctive words, in lower case, once each", () => {
    expect(searchTokens("Dentl  CLENING for the kids, dentl")).toEqual(["dentl", "clening", "kids"]);
  });
  test("drops short words and punctuation", () => {
    expect(searchTokens("x-ray of a knee")).toEqual(["ray", "knee"]);
    expect(searchTokens("  ")).toEqual([]);
  });
  test("reads letters beyond ASCII", () => {
    expect(searchTokens("Physiothérapie Zürich")).toEqual(["physiothérapie", "zürich"]);
  });
});

describe("readSearchForm", () => {
  test("turns whole-unit prices into minor units and keeps what was typed for the form", () => {
    const { form, input } = readSearchForm(new URLSearchParams("q=  physo  &city=Berlin&priceMin=40&priceMax=60.5&discounted=1&sort=price"));
    expect(form).toEqual({ q: "physo", city: "Berlin", specialty: "", priceMin: "40", priceMax: "60.5", discounted: true, sort: "price" });
    expect(searchInputSchema.parse(input)).toEqual({ q: "physo", city: "Berlin", specialty: undefined, priceMin: 4000, priceMax: 6050, discounted: true, sort: "price", limit: 30 });
  });
  test("an amount that is not a number is refused by the schema with a clear message", () => {
    const { input } = readSearchForm(new URLSearchParams("priceMin=-5"));
    const result = searchInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Lowest price must be a number.");
  });
  test("an unknown sort falls back to relevance", () => {
    expect(readSearchForm(new URLSearchParams("sort=cheapest")).form.sort).toBe("relevance");
  });
});
