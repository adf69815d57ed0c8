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
    expect(form).toEqual({ q: "physo", city: "Berlin", specialty: "", priceMin: "40", priceMax: "60.5", discounted: true, date: "", lat: "", lng: "", sort: "price" });
    expect(searchInputSchema.parse(input)).toEqual({ q: "physo", city: "Berlin", specialty: undefined, priceMin: 4000, priceMax: 6050, discounted: true, date: undefined, lat: undefined, lng: undefined, sort: "price", limit: 12, page: 1 });
  });
  test("an amount that is not a number is refused by the schema with a clear message", () => {
    const { input } = readSearchForm(new URLSearchParams("priceMin=-5"));
    const result = searchInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Lowest price must be a number.");
  });
  test("a location is read as numbers and checked; distance sorting needs one", () => {
    const near = readSearchForm(new URLSearchParams("q=x&lat=40.7128&lng=-74.006&sort=distance"));
    expect(searchInputSchema.parse(near.input)).toMatchObject({ lat: 40.7128, lng: -74.006, sort: "distance" });
    const outOfRange = searchInputSchema.safeParse(readSearchForm(new URLSearchParams("lat=91&lng=0")).input);
    expect(outOfRange.error?.issues[0]?.message).toBe("The latitude must be between -90 and 90.");
    const garbage = searchInputSchema.safeParse(readSearchForm(new URLSearchParams("lat=abc&lng=0")).input);
    expect(garbage.success).toBe(false);
    const noLocation = searchInputSchema.safeParse(readSearchForm(new URLSearchParams("sort=distance")).input);
    expect(noLocation.error?.issues[0]?.message).toMatch(/needs your location/);
  });
  test("a date must exist", () => {
    expect(searchInputSchema.safeParse({ date: "2026-02-30" }).error?.issues[0]?.message).toBe("That date does not exist.");
    expect(searchInputSchema.parse({ date: "2027-03-14" }).date).toBe("2027-03-14");
  });
  test("reads the page from the query string and refuses one that is not a page", () => {
    expect(searchInputSchema.parse(readSearchForm(new URLSearchParams("q=x&page=3")).input)).toMatchObject({ page: 3, limit: 12 });
    for (const [page, message] of [
      ["0", "The page must be at least 1."],
      ["two", "The page must be a number."],
      ["1.5", "The page must be a number."],
      ["51", "Results go up to page 50; narrow the search to see others."],
    ]) {
      expect(searchInputSchema.safeParse(readSearchForm(new URLSearchParams(`q=x&page=${page}`)).input).error?.issues[0]?.message).toBe(message);
    }
  });
  test("an unknown sort falls back to relevance", () => {
    expect(readSearchForm(new URLSearchParams("sort=cheapest")).form.sort).toBe("relevance");
  });
});
