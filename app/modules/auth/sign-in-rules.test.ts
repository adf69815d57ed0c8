import { describe, expect, test } from "vitest";
import { afterNetworkFailure, codeExpiry, decideAttempt, decideSend, decideThrottle, delayAfter, throttledMessage, waitSeconds, wrongCodeMessage } from "./sign-in-rules";

const t0 = new Date("2026-11-21T10:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const SEC = 1000;
const MIN = 60 * SEC;

describe("code expiry", () => {
  const code = { expiresAt: codeExpiry(t0), attempts: 0, consumedAt: null };
  test("valid at 9:59.999, expired at 10:00", () => {
    expect(decideAttempt(at(10 * MIN - 1), code)).toEqual({ ok: true });
    expect(decideAttempt(at(10 * MIN), code)).toMatchObject({ ok: false, reason: "expired" });
  });
  test("a used code is refused", () => {
    expect(decideAttempt(at(MIN), { ...code, consumedAt: at(30 * SEC) })).toMatchObject({ ok: false, reason: "used" });
  });
});

describe("attempts", () => {
  const code = (attempts: number) => ({ expiresAt: codeExpiry(t0), attempts, consumedAt: null });
  test("the 5th attempt is allowed, the 6th refused", () => {
    expect(decideAttempt(at(MIN), code(4))).toEqual({ ok: true }); // four used: this is the 5th
    expect(decideAttempt(at(MIN), code(5))).toMatchObject({ ok: false, reason: "no-attempts-left", message: expect.stringMatching(/new code/) });
  });
  test("the 5th wrong code says to ask for a new one", () => {
    expect(wrongCodeMessage(4)).toMatch(/1 more try/);
    expect(wrongCodeMessage(5)).toMatch(/no longer be used.*new code/);
  });
});

describe("resend cool-down", () => {
  test("refused at 29.999 s with the seconds left, allowed at 30 s", () => {
    const refused = decideSend(at(30 * SEC - 1), [t0], [t0]);
    expect(refused).toMatchObject({ ok: false, reason: "cooldown", retryAfterSeconds: 1 });
    expect(decideSend(at(10 * SEC), [t0], [t0])).toMatchObject({ ok: false, retryAfterSeconds: 20, message: expect.stringMatching(/20 seconds/) });
    expect(decideSend(at(30 * SEC), [t0], [t0])).toEqual({ ok: true });
  });
});

describe("per-phone limit: 3 per 10 minutes", () => {
  const sends = [t0, at(MIN), at(2 * MIN)];
  test("the 3rd send is allowed, the 4th refused within the window", () => {
    expect(decideSend(at(2 * MIN), sends.slice(0, 2), sends.slice(0, 2))).toEqual({ ok: true });
    expect(decideSend(at(5 * MIN), sends, sends)).toMatchObject({ ok: false, reason: "phone-limit", retryAfterSeconds: 5 * 60 });
    expect(decideSend(at(10 * MIN - 1), sends, sends)).toMatchObject({ ok: false, reason: "phone-limit" });
  });
  test("allowed again once the oldest send leaves the window", () => {
    expect(decideSend(at(10 * MIN), sends, sends)).toEqual({ ok: true });
  });
});

describe("per-address limit: 20 per hour", () => {
  // Sends to 20 different phones from one address, one a minute.
  const ipSends = Array.from({ length: 20 }, (_, i) => at(i * MIN));
  test("the 20th send is allowed, the 21st refused", () => {
    expect(decideSend(at(19 * MIN), [], ipSends.slice(0, 19))).toEqual({ ok: true });
    expect(decideSend(at(20 * MIN), [], ipSends)).toMatchObject({ ok: false, reason: "ip-limit", retryAfterSeconds: 40 * 60, message: expect.stringMatching(/40 minutes/) });
  });
  test("allowed again an hour after the oldest", () => {
    expect(decideSend(at(60 * MIN - 1), [], ipSends)).toMatchObject({ ok: false });
    expect(decideSend(at(60 * MIN), [], ipSends)).toEqual({ ok: true });
  });
});

describe("slowing down staff password guesses", () => {
  test("three failures are free, then each waits twice as long, up to 15 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 12, 13, 40].map(delayAfter)).toEqual([0, 0, 0, 2000, 4000, 8000, 512_000, 900_000, 900_000]);
  });

  test("the wait runs from the last failure; a day without failures starts the count again", () => {
    let state = null as ReturnType<typeof afterNetworkFailure> | null;
    for (let i = 0; i < 5; i++) state = afterNetworkFailure(t0, state);
    expect(state).toEqual({ failures: 5, lastFailureAt: t0, retryAt: at(4 * SEC) });
    expect(waitSeconds(at(SEC), state)).toBe(3);
    expect(waitSeconds(at(4 * SEC), state)).toBe(0);
    expect(afterNetworkFailure(at(24 * 60 * MIN), state)).toEqual({ failures: 1, lastFailureAt: at(24 * 60 * MIN), retryAt: null });
    expect(waitSeconds(t0, null)).toBe(0);
  });
});

describe("per-network staff throttle", () => {
  const attempts = (n: number, spacingMs = SEC) => Array.from({ length: n }, (_, i) => at(i * spacingMs));
  test("the 30th attempt in 15 minutes is allowed, the 31st refused until the oldest leaves the window", () => {
    expect(decideThrottle(at(29 * SEC), attempts(29))).toEqual({ ok: true });
    expect(decideThrottle(at(30 * SEC), attempts(30))).toEqual({ ok: false, retryAfterSeconds: 15 * 60 - 30 });
    // The oldest counts until exactly 15 minutes have passed.
    expect(decideThrottle(at(15 * MIN - 1), attempts(30))).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(decideThrottle(at(15 * MIN), attempts(30))).toEqual({ ok: true });
  });
  test("attempts older than the window do not count", () => {
    expect(decideThrottle(at(60 * MIN), attempts(100))).toEqual({ ok: true });
  });
  test("the message says when to come back", () => {
    expect(throttledMessage("sign-in", 600)).toBe("Too many sign-in attempts have come from your network. Please try again in 10 minutes.");
    expect(throttledMessage("password-reset", 5)).toMatch(/password reset requests.*5 seconds/);
  });
});
