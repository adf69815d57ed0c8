import { expect, test } from "vitest";
import { redactPath, redactUrl } from "./log.server";

test("password-reset tokens never reach the logs", () => {
  expect(redactPath("/staff/reset-password/abc123DEF")).toBe("/staff/reset-password/:token");
  expect(redactPath("/staff/reset-password/abc123.data")).toBe("/staff/reset-password/:token");
  expect(redactUrl("http://northside.localhost:3000/staff/reset-password/abc?x=1")).toBe("http://northside.localhost:3000/staff/reset-password/:token");
  expect(redactUrl("http://localhost:3000/sign-in?phone=%2B1212")).toBe("http://localhost:3000/sign-in");
  expect(redactPath("/panel/staff")).toBe("/panel/staff");
});
