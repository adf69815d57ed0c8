import { expect, test } from "vitest";
import { outboxBackoffMs } from "./relay.server";

test("back-off doubles from about 2 s per failure", () => {
  const middle = () => 0.5;
  expect([1, 2, 3, 4, 5].map((n) => outboxBackoffMs(n, middle))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000]);
});

test("back-off is capped at 10 minutes, jitter included", () => {
  expect(outboxBackoffMs(9, () => 0.5)).toBe(512_000);
  expect(outboxBackoffMs(10, () => 0.5)).toBe(600_000);
  expect(outboxBackoffMs(50, () => 0.999)).toBe(600_000);
  expect(outboxBackoffMs(10_000, () => 0)).toBe(450_000);
});

test("jitter spreads retries by a quarter either way", () => {
  expect(outboxBackoffMs(1, () => 0)).toBe(1_500);
  expect(outboxBackoffMs(1, () => 1)).toBe(2_500);
  expect(outboxBackoffMs(0, () => 0.5)).toBe(2_000);
});
