import { expect, test } from "vitest";
import { isSameOrigin } from "./origin.server";

test("a request from a page of the same host passes", () => {
  expect(isSameOrigin("http://northside.localhost:3000", null, "northside.localhost:3000")).toBe(true);
  expect(isSameOrigin(null, "http://northside.localhost:3000/sign-in", "northside.localhost:3000")).toBe(true);
  expect(isSameOrigin("https://NorthSide.example", null, "northside.example")).toBe(true);
});

test("another clinic's site, another port or no evidence at all is refused", () => {
  expect(isSameOrigin("http://spree-physio.localhost:3000", null, "northside.localhost:3000")).toBe(false);
  expect(isSameOrigin("http://northside.localhost:4000", null, "northside.localhost:3000")).toBe(false);
  expect(isSameOrigin(null, null, "northside.localhost:3000")).toBe(false);
  expect(isSameOrigin("null", null, "northside.localhost:3000")).toBe(false);
  expect(isSameOrigin("not a url", null, "northside.localhost:3000")).toBe(false);
});

test("without Origin or Referer, the browser's Sec-Fetch-Site decides", () => {
  expect(isSameOrigin(null, null, "northside.localhost:3000", "same-origin")).toBe(true);
  expect(isSameOrigin(null, null, "northside.localhost:3000", "cross-site")).toBe(false);
  expect(isSameOrigin(null, null, "northside.localhost:3000", "same-site")).toBe(false);
});
