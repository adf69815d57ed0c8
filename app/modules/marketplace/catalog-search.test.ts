import { expect, test } from "vitest";
import { MAX_SEARCH_LENGTH, normaliseSearch } from "./catalog-search";

test("a search is trimmed, its spaces collapsed, and cut at the longest the catalog accepts", () => {
  expect(normaliseSearch("  spree   physio \n")).toBe("spree physio");
  expect(normaliseSearch(null)).toBe("");
  expect(normaliseSearch("   ")).toBe("");
  expect(normaliseSearch("x".repeat(MAX_SEARCH_LENGTH + 20))).toHaveLength(MAX_SEARCH_LENGTH);
});
