import { randomBytes, randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, test } from "vitest";
import { hashPassword } from "~/modules/auth/password.server";
import { createSession, invalidateSession, validateSessionToken } from "~/modules/auth/session.server";
import { createStaffPasswordGuessing } from "~/workflows/staff-password-guessing.server";
import { signOut } from "~/modules/auth/sign-out.server";
import { STAFF_NETWORK_LIMIT } from "~/modules/auth/sign-in-rules";
import {
  auditEmailRef,
  changeStaffPassword,
  checkResetToken,
  completeTotpSignIn,
  enableTotp,
  GENERIC_REFUSAL,
  requestPasswordReset,
  resetStaffPassword,
  signInStaff,
} from "~/modules/auth/staff-sign-in.server";
import { currentTotp, newTotpSecret } from "~/modules/auth/totp.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { createMessenger, type EmailMessage } from "~/modules/messaging/messenger.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" };

/** A fresh network per request context, so the per-network throttle of one test never reaches another. */
function freshMeta() {
  const [a, b, c] = randomBytes(3);
  return { ip: `10.${a}.${b}.${c}`, userAgent: "vitest", requestId: `req-${randomUUID().slice(0, 8)}` };
}
const meta = freshMeta();
const PASSWORD = "correct horse battery";

async function staffOf(clinicId: string, role: "owner" | "secretary" | "doctor" = "secretary") {
  const email = `staff-${randomUUID().slice(0, 8)}@example.com`;
  const user = await testDb().forClinic(clinicId).tx(async (tx) => {
    const u = await tx.staffUser.create({ data: { email, name: "Sam Staff", passwordHash: await hashPassword(PASSWORD) } });
    await tx.clinicMembership.create({ data: { clinicId, staffUserId: u.id, role } });
    return u;
  });
  return user;
}

async function clinicSite() {
  const clinic = await createTestClinic();
  return { clinic, site: { clinicId: clinic.id, host: `${clinic.slug}.localhost`, timeZone: "America/New_York" } };
}

describe("staff sign-in", () => {
  test("right password on the member's clinic signs in; elsewhere it is the generic refusal", async () => {
    const { clinic, site } = await clinicSite();
    const { site: otherSite } = await clinicSite();
    const user = await staffOf(clinic.id);
    const ok = await signInStaff({ db: testDb() }, site, { email: user.email.toUpperCase(), password: PASSWORD }, meta);
    expect(ok.kind).toBe("signed-in");
    if (ok.kind === "signed-in") expect(await validateSessionToken(testDb(), site, ok.token)).not.toBeNull();
    expect(await signInStaff({ db: testDb() }, otherSite, { email: user.email, password: PASSWORD }, meta)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    expect(await signInStaff({ db: testDb() }, { clinicId: null, host: "localhost" }, { email: user.email, password: PASSWORD }, meta)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    expect(await signInStaff({ db: testDb() }, site, { email: "nobody@example.com", password: PASSWORD }, meta)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    expect(await signInStaff({ db: testDb() }, site, { email: user.email, password: "wrong password!" }, meta)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
  });

  test("platform operators sign in on the marketplace host", async () => {
    const { clinic } = await clinicSite();
    const user = await staffOf(clinic.id);
    await testDb().system("test").tx((tx) => tx.platformOperator.create({ data: { staffUserId: user.id } }));
    const result = await signInStaff({ db: testDb() }, { clinicId: null, host: "localhost" }, { email: user.email, password: PASSWORD }, meta);
    expect(result.kind).toBe("signed-in");
  });

  test("wrong passwords from one network never stop the right password from another; that network waits longer each time", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const guesser = { ip: "198.51.100.23", userAgent: "curl", requestId: null };
    // Another address in the guesser's /24 is the same network.
    const guesserNeighbour = { ...guesser, ip: "198.51.100.200" };
    const colleague = { ip: "203.0.113.40", userAgent: "vitest", requestId: null };
    const t0 = new Date();
    const at = (ms: number) => () => new Date(t0.getTime() + ms);
    const waits: number[] = [];
    let t = 0;
    for (let i = 1; i <= 8; i++) {
      expect(await signInStaff({ db: testDb(), now: at(t) }, site, { email: user.email, password: `guess ${i}` }, i % 2 ? guesser : guesserNeighbour)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
      if (i <= 3) {
        t += 1;
        continue;
      }
      // From the fourth failure on, the guesser's network must wait, even with the right password.
      const next = await signInStaff({ db: testDb(), now: at(t + 1) }, site, { email: user.email, password: PASSWORD }, guesser);
      expect(next).toMatchObject({ kind: "refused", message: expect.stringMatching(/^Too many failed sign-ins for this email address have come from your network\. Please wait \d+ seconds? and try again/) });
      waits.push((next as { retryAfterSeconds: number }).retryAfterSeconds);
      // The person at the clinic, on another network, signs in every time.
      expect(await signInStaff({ db: testDb(), now: at(t + 1) }, site, { email: user.email, password: PASSWORD }, colleague)).toMatchObject({ kind: "signed-in" });
      t += waits.at(-1)! * 1000;
    }
    // The wait grows with every failure: 2 s, 4 s, 8 s, 16 s, 32 s.
    expect(waits).toEqual([2, 4, 8, 16, 32]);
    // Once the wait is over, the right password from the guesser's network works too, and clears its count.
    expect(await signInStaff({ db: testDb(), now: at(t) }, site, { email: user.email, password: PASSWORD }, guesser)).toMatchObject({ kind: "signed-in" });
    expect(await testDb().forPlatform().tx((tx) => tx.staffSignInDelay.count({ where: { network: "198.51.100.0/24" } }))).toBe(0);

    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { occurredAt: "asc" } }));
    expect(audit.filter((a) => a.action === "staff.locked_out")).toHaveLength(0);
    expect(audit.filter((a) => (a.details as { reason?: string }).reason === "slowed")).toHaveLength(5);
    expect(audit[0]).toMatchObject({ clinicId: clinic.id, ip: guesser.ip, userAgent: guesser.userAgent });
  });

  test("an unknown address is slowed down exactly like a real one", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const m = freshMeta();
    const t0 = new Date();
    const answers = async (email: string) => {
      const out = [];
      for (let i = 0; i < 5; i++) out.push(await signInStaff({ db: testDb(), now: () => t0 }, site, { email, password: `guess ${i}` }, m));
      return out;
    };
    const real = await answers(user.email);
    const unknown = await answers(`nobody-${randomUUID().slice(0, 8)}@example.com`);
    expect(unknown).toEqual(real);
    expect(real.map((r) => r.kind === "refused" && r.message === GENERIC_REFUSAL)).toEqual([true, true, true, true, false]);
  });

  test("the account holder is told by email, once a day, when their password is being guessed", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const t0 = new Date();
    // Five wrong passwords from five networks: nobody is slowed down, but the holder should know.
    for (let i = 0; i < 5; i++) await signInStaff({ db: testDb(), now: () => new Date(t0.getTime() + i) }, site, { email: user.email, password: `guess ${i}` }, freshMeta());
    const events = await testDb().forClinic(clinic.id).tx((tx) => tx.outboxEvent.findMany({ where: { name: "staff.password_guessing" } }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ staffUserId: user.id, failures: 5, networks: 5 });
    for (let i = 0; i < 5; i++) await signInStaff({ db: testDb(), now: () => new Date(t0.getTime() + 10 + i) }, site, { email: user.email, password: `more ${i}` }, freshMeta());
    expect(await testDb().forClinic(clinic.id).tx((tx) => tx.outboxEvent.count({ where: { name: "staff.password_guessing" } }))).toBe(1);

    const messenger = await createMessenger({ env, db: testDb() });
    const workflow = createStaffPasswordGuessing({ db: testDb, payments: () => { throw new Error("no payments here"); }, now: () => t0 }, (m) => messenger.sendEmail(m));
    const { result } = await new InngestTestEngine({ function: workflow, events: [{ name: "staff.password_guessing", data: { ...(events[0]!.data as object), clinicId: clinic.id } }] }).execute();
    expect(result).toEqual({ sent: true });
    const [email] = await listDevOutbox(testDb(), { to: user.email });
    expect(email).toMatchObject({ channel: "email", purpose: "password-guessing" });
    expect(email!.subject).toBe(`Someone is trying to sign in to your ${clinic.name} staff account`);
    expect(email!.body).toContain("5 sign-in attempts with a wrong password");
    expect(email!.body).toContain("not locked");
    expect(email!.body).not.toMatch(/https?:\/\//);
  });

  test("TOTP: the password alone is not enough, and a code works only once", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const secret = newTotpSecret();
    // Mid-step, so "one step either side" is unambiguous.
    const t0 = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
    const at = (s: number) => () => new Date(t0.getTime() + s * 1000);
    const codeAt = (s: number) => currentTotp(secret, at(s)());
    const deps = (s: number) => ({ db: testDb(), now: at(s) });
    expect(await enableTotp(deps(0), site, { staffUserId: user.id, secret, code: codeAt(0) === "000000" ? "111111" : "000000" }, meta)).toMatchObject({ ok: false });
    expect(await enableTotp(deps(0), site, { staffUserId: user.id, secret, code: codeAt(0) }, meta)).toEqual({ ok: true });
    const first = await signInStaff(deps(1), site, { email: user.email, password: PASSWORD }, meta);
    expect(first).toEqual({ kind: "totp-required", staffUserId: user.id });
    // The code that turned TOTP on cannot sign in.
    expect(await completeTotpSignIn(deps(1), site, { staffUserId: user.id, code: codeAt(0) }, meta)).toMatchObject({ kind: "refused", message: expect.stringMatching(/already been used/) });
    const wrong = [codeAt(30), codeAt(0), codeAt(60), codeAt(-30)].includes("123456") ? "654321" : "123456";
    expect(await completeTotpSignIn(deps(30), site, { staffUserId: user.id, code: wrong }, meta)).toMatchObject({ kind: "refused", message: expect.stringMatching(/not right/) });
    expect(await completeTotpSignIn(deps(30), site, { staffUserId: user.id, code: codeAt(30) }, meta)).toMatchObject({ kind: "signed-in" });
    // Replaying it, or the one before it (still inside the drift window), is refused.
    expect(await completeTotpSignIn(deps(31), site, { staffUserId: user.id, code: codeAt(30) }, meta)).toMatchObject({ kind: "refused", message: expect.stringMatching(/already been used/) });
    if (codeAt(0) !== codeAt(30)) expect(await completeTotpSignIn(deps(31), site, { staffUserId: user.id, code: codeAt(0) }, meta)).toMatchObject({ kind: "refused", message: expect.stringMatching(/already been used/) });
    // The next step's code works.
    expect(await completeTotpSignIn(deps(60), site, { staffUserId: user.id, code: codeAt(60) }, meta)).toMatchObject({ kind: "signed-in" });
    const row = await testDb().forClinic(clinic.id).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: user.id }, select: { totpLastStep: true, failedSignIns: true } }));
    expect(row).toEqual({ totpLastStep: BigInt(Math.floor(at(60)().getTime() / 30_000)), failedSignIns: 0 });
  });
});

describe("wrong TOTP codes", () => {
  test("slow down their network like wrong passwords; the person on another network completes the sign-in", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const secret = newTotpSecret();
    const t0 = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
    expect(await enableTotp({ db: testDb(), now: () => t0 }, site, { staffUserId: user.id, secret, code: currentTotp(secret, t0) }, meta)).toEqual({ ok: true });
    const t1 = new Date(t0.getTime() + 60_000);
    const near = [-30_000, 0, 30_000].map((d) => currentTotp(secret, new Date(t1.getTime() + d)));
    const wrong = near.includes("123456") ? "654321" : "123456";
    const [guesser, colleague] = [freshMeta(), freshMeta()];
    for (let i = 0; i < 4; i++) expect(await completeTotpSignIn({ db: testDb(), now: () => t1 }, site, { staffUserId: user.id, code: wrong }, guesser)).toMatchObject({ kind: "refused", message: expect.stringMatching(/not right/) });
    expect(await completeTotpSignIn({ db: testDb(), now: () => t1 }, site, { staffUserId: user.id, code: currentTotp(secret, t1) }, guesser)).toMatchObject({ kind: "refused", message: expect.stringMatching(/Please wait 2 seconds/), retryAfterSeconds: 2 });
    expect(await completeTotpSignIn({ db: testDb(), now: () => t1 }, site, { staffUserId: user.id, code: currentTotp(secret, t1) }, colleague)).toMatchObject({ kind: "signed-in" });
  });
});

describe("passwords", () => {
  test("changing the password keeps this session and ends the others, on every host", async () => {
    const { clinic, site } = await clinicSite();
    const { clinic: second, site: secondSite } = await clinicSite();
    const user = await staffOf(clinic.id);
    await testDb().forClinic(second.id).tx((tx) => tx.clinicMembership.create({ data: { clinicId: second.id, staffUserId: user.id, role: "doctor" } }));
    const current = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    const otherDevice = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    const otherClinic = await createSession(testDb(), secondSite, { subject: "staff", staffUserId: user.id }, meta);

    expect(await changeStaffPassword({ db: testDb() }, site, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: "wrong", newPassword: "a brand new password" }, meta)).toMatchObject({ ok: false, field: "currentPassword" });
    expect(await changeStaffPassword({ db: testDb() }, site, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: PASSWORD, newPassword: "short" }, meta)).toMatchObject({ ok: false, field: "newPassword" });
    expect(await changeStaffPassword({ db: testDb() }, site, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: PASSWORD, newPassword: user.email.toUpperCase() }, meta)).toMatchObject({ ok: false, field: "newPassword", message: expect.stringMatching(/email/) });
    expect(await changeStaffPassword({ db: testDb() }, site, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: PASSWORD, newPassword: "a brand new password" }, meta)).toEqual({ ok: true });

    expect(await validateSessionToken(testDb(), site, current.token)).not.toBeNull();
    expect(await validateSessionToken(testDb(), site, otherDevice.token)).toBeNull();
    expect(await validateSessionToken(testDb(), secondSite, otherClinic.token)).toBeNull();
    expect((await signInStaff({ db: testDb() }, site, { email: user.email, password: "a brand new password" }, meta)).kind).toBe("signed-in");
  });

  test("a reset link works once, within 60 minutes, and signs out everywhere", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id, "owner");
    const session = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    const messenger = await createMessenger({ env, db: testDb() });
    const fullSite = { ...site, displayName: clinic.name, origin: `http://${site.host}:3000` };

    // Unknown addresses get no email (and the page says the same thing either way).
    const ghost = await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: "ghost@example.com" }, meta);
    if (ghost.ok) await ghost.delivery;
    expect(await listDevOutbox(testDb(), { to: "ghost@example.com" })).toHaveLength(0);

    const requested = await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: user.email }, meta);
    expect(requested.ok).toBe(true);
    if (requested.ok) await requested.delivery;
    const [email] = await listDevOutbox(testDb(), { to: user.email });
    expect(email).toMatchObject({ channel: "email", purpose: "password-reset" });
    const token = email!.body.match(/\/staff\/reset-password\/([a-z2-7]+)/)![1]!;
    expect(email!.body).toContain(`http://${site.host}:3000/staff/reset-password/${token}`);
    const stored = await testDb().system("test").tx((tx) => tx.passwordReset.findFirstOrThrow({ where: { staffUserId: user.id } }));
    expect(stored.id).not.toBe(token);

    expect(await resetStaffPassword({ db: testDb() }, site, { token, newPassword: "short" }, meta)).toMatchObject({ ok: false, field: "password" });
    expect(await resetStaffPassword({ db: testDb() }, site, { token, newPassword: "my reset password" }, meta)).toEqual({ ok: true });
    expect(await validateSessionToken(testDb(), site, session.token)).toBeNull();
    expect(await resetStaffPassword({ db: testDb() }, site, { token, newPassword: "another password!" }, meta)).toMatchObject({ ok: false, field: "token", message: expect.stringMatching(/already been used/) });
    expect((await signInStaff({ db: testDb() }, site, { email: user.email, password: "my reset password" }, meta)).kind).toBe("signed-in");
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { targetId: user.id, action: "staff.password_reset" } }));
    expect(audit).toHaveLength(1);
  });

  test("a reset link expires after 60 minutes", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const start = new Date();
    const messenger = await createMessenger({ env, db: testDb() });
    const requested = await requestPasswordReset({ db: testDb(), messenger, now: () => start }, { ...site, displayName: clinic.name, origin: "http://x.localhost" }, { email: user.email }, meta);
    if (requested.ok) await requested.delivery;
    const [email] = await listDevOutbox(testDb(), { to: user.email });
    const token = email!.body.match(/\/staff\/reset-password\/([a-z2-7]+)/)![1]!;
    expect(await checkResetToken({ db: testDb(), now: () => new Date(start.getTime() + 60 * 60_000 - 1) }, site, token)).toMatchObject({ ok: true });
    const late = () => new Date(start.getTime() + 60 * 60_000);
    expect(await checkResetToken({ db: testDb(), now: late }, site, token)).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) });
    expect(await resetStaffPassword({ db: testDb(), now: late }, site, { token, newPassword: "too late password" }, meta)).toMatchObject({ ok: false, field: "token" });
  });
});

describe("sessions", () => {
  test("sign-out invalidates; expiry is enforced; renewal slides", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const t0 = new Date();
    const s = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta, t0);
    expect(s.session.expiresAt.getTime()).toBe(t0.getTime() + 12 * 3_600_000);
    const renewed = await validateSessionToken(testDb(), site, s.token, new Date(t0.getTime() + 11 * 60_000));
    expect(renewed).toMatchObject({ renewed: true });
    expect(renewed!.session.expiresAt.getTime()).toBe(t0.getTime() + 11 * 60_000 + 12 * 3_600_000);
    expect(await validateSessionToken(testDb(), site, s.token, renewed!.session.expiresAt)).toBeNull();

    const s2 = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    await invalidateSession(testDb(), site, s2.session.id);
    expect(await validateSessionToken(testDb(), site, s2.token)).toBeNull();
  });
});

describe("staff sign-in across clinics", () => {
  test("another clinic's site cannot lock out this clinic's staff, nor learn that they exist", async () => {
    const { clinic, site } = await clinicSite();
    const { clinic: other, site: otherSite } = await clinicSite();
    const owner = await staffOf(clinic.id, "owner");
    const m = freshMeta();
    for (let i = 0; i < 7; i++) {
      expect(await signInStaff({ db: testDb() }, otherSite, { email: owner.email, password: `guess number ${i}` }, freshMeta())).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    }
    // Even the right password there reads as an unknown address.
    expect(await signInStaff({ db: testDb() }, otherSite, { email: owner.email, password: PASSWORD }, m)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    const row = await testDb().forClinic(clinic.id).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: owner.id } }));
    expect(row).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    expect((await signInStaff({ db: testDb() }, site, { email: owner.email, password: PASSWORD }, m)).kind).toBe("signed-in");

    // The other clinic's log holds anonymous rows only, the same as for an address nobody has.
    await signInStaff({ db: testDb() }, otherSite, { email: "nobody-at-all@example.com", password: PASSWORD }, m);
    const log = await testDb().forClinic(other.id).tx((tx) => tx.auditEvent.findMany({ orderBy: { occurredAt: "asc" } }));
    expect(log).toHaveLength(9);
    for (const event of log) {
      expect(event).toMatchObject({ action: "staff.sign_in_failed", actorType: "anonymous", actorId: null, targetId: null });
      expect(JSON.stringify(event.details)).not.toContain(owner.email);
      expect(JSON.stringify(event)).not.toContain(owner.id);
    }
    expect(log[0]!.details).toEqual({ reason: "unknown-account", emailRef: auditEmailRef(owner.email) });
    expect(log[8]!.details).toEqual({ reason: "unknown-account", emailRef: auditEmailRef("nobody-at-all@example.com") });
  });

  test("a reset link only works on a host where its owner may sign in", async () => {
    const { clinic, site } = await clinicSite();
    const { site: otherSite } = await clinicSite();
    const user = await staffOf(clinic.id);
    const messenger = await createMessenger({ env, db: testDb() });
    const requested = await requestPasswordReset({ db: testDb(), messenger }, { ...site, displayName: clinic.name, origin: "http://x.localhost" }, { email: user.email }, freshMeta());
    if (requested.ok) await requested.delivery;
    const [email] = await listDevOutbox(testDb(), { to: user.email });
    const token = email!.body.match(/\/staff\/reset-password\/([a-z2-7]+)/)![1]!;
    expect(await checkResetToken({ db: testDb() }, otherSite, token)).toMatchObject({ ok: false, message: expect.stringMatching(/not valid/) });
    expect(await resetStaffPassword({ db: testDb() }, otherSite, { token, newPassword: "taken over password" }, freshMeta())).toMatchObject({ ok: false, field: "token" });
    expect(await checkResetToken({ db: testDb() }, site, token)).toMatchObject({ ok: true, staffUserId: user.id });
  });
});

describe("staff sign-in under load", () => {
  test("a burst of parallel wrong passwords all count against their network, which must then wait; another network signs in", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const m = freshMeta();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => signInStaff({ db: testDb() }, site, { email: user.email, password: `wrong guess ${i}` }, m)));
    // Each guess is refused: checked and counted, or (once the first failures are in) told to wait
    // before any hashing. How many of each depends on how the burst interleaves; none gets through uncounted.
    const counted = results.filter((r) => r.kind === "refused" && r.message === GENERIC_REFUSAL).length;
    const slowed = results.filter((r) => r.kind === "refused" && /Please wait/.test(r.message)).length;
    expect(counted + slowed).toBe(10);
    const [delay] = await testDb().forPlatform().tx((tx) => tx.staffSignInDelay.findMany({ where: { network: `${m.ip.split(".").slice(0, 3).join(".")}.0/24` } }));
    expect(delay!.failures).toBe(counted);
    expect(delay!.failures).toBeGreaterThanOrEqual(4);
    expect(delay!.retryAt!.getTime()).toBeGreaterThan(delay!.lastFailureAt!.getTime());
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { targetId: user.id } }));
    expect(audit.filter((a) => a.action === "staff.sign_in_failed")).toHaveLength(10);
    expect(audit.filter((a) => a.action === "staff.password_guessing_noticed").length).toBeLessThanOrEqual(1);

    // A moment before the wait ends, the right password from that network still waits; from another network it signs in.
    const during = { db: testDb(), now: () => new Date(delay!.retryAt!.getTime() - 1_000) };
    expect(await signInStaff(during, site, { email: user.email, password: PASSWORD }, m)).toMatchObject({ kind: "refused", message: expect.stringMatching(/Please wait/) });
    expect(await signInStaff({ db: testDb() }, site, { email: user.email, password: PASSWORD }, freshMeta())).toMatchObject({ kind: "signed-in" });
  });

  test(`a network gets ${STAFF_NETWORK_LIMIT} failed sign-ins per 15 minutes, counted by IPv6 /64; successes do not count`, async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const [a, b] = [randomBytes(2).readUInt16BE(), randomBytes(2).readUInt16BE()];
    const prefix = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    const neighbour = `2001:db8:${a.toString(16)}:${(b ^ 1).toString(16)}::1`;
    const from = (host: string) => ({ ip: `${prefix}::${host}`, userAgent: "vitest", requestId: null });
    const t0 = new Date();
    const deps = { db: testDb(), now: () => t0 };
    expect((await signInStaff(deps, site, { email: user.email, password: PASSWORD }, from("a"))).kind).toBe("signed-in");
    for (let i = 1; i <= STAFF_NETWORK_LIMIT; i++) {
      expect(await signInStaff(deps, site, { email: `nobody-${i}@example.com`, password: "whatever" }, from(i.toString(16)))).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    }
    // Another address in the same /64, even with the right password, must wait.
    const refused = await signInStaff(deps, site, { email: user.email, password: PASSWORD }, from("ffff"));
    expect(refused).toEqual({ kind: "refused", message: "Too many sign-in attempts have come from your network. Please try again in 15 minutes.", retryAfterSeconds: 900 });
    // The neighbouring /64 is another network; password resets are counted on their own.
    expect((await signInStaff(deps, site, { email: user.email, password: PASSWORD }, { ...from("1"), ip: neighbour })).kind).toBe("signed-in");
    const messenger = await createMessenger({ env, db: testDb() });
    expect((await requestPasswordReset({ ...deps, messenger }, { ...site, displayName: clinic.name, origin: "http://x.localhost" }, { email: "nobody@example.com" }, from("ffff"))).ok).toBe(true);
    // Fifteen minutes on, the network may try again.
    expect((await signInStaff({ db: testDb(), now: () => new Date(t0.getTime() + 15 * 60_000) }, site, { email: user.email, password: PASSWORD }, from("ffff"))).kind).toBe("signed-in");
  });

  test(`a network gets ${STAFF_NETWORK_LIMIT} password reset requests per 15 minutes`, async () => {
    const { clinic, site } = await clinicSite();
    const messenger = await createMessenger({ env, db: testDb() });
    const fullSite = { ...site, displayName: clinic.name, origin: "http://x.localhost" };
    const m = freshMeta();
    for (let i = 1; i <= STAFF_NETWORK_LIMIT; i++) expect((await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: `ghost-${i}@example.com` }, m)).ok).toBe(true);
    expect(await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: "ghost@example.com" }, m)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Too many password reset requests.*try again in 15 minutes/),
      retryAfterSeconds: expect.any(Number),
    });
  });
});

describe("password reset requests", () => {
  test("answer before the email is sent, so unknown and real addresses take as long; a failed send is only logged", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const fullSite = { ...site, displayName: clinic.name, origin: "http://x.localhost" };
    const sent: EmailMessage[] = [];
    let release: () => void = () => {};
    const slowMessenger = {
      sendEmail: (message: EmailMessage) => {
        sent.push(message);
        return new Promise<never>((_, reject) => (release = () => reject(new Error("SMTP server went away"))));
      },
    };
    const timeout = new Promise<"timed out">((resolve) => setTimeout(() => resolve("timed out"), 3_000));
    const result = await Promise.race([requestPasswordReset({ db: testDb(), messenger: slowMessenger }, fullSite, { email: user.email }, freshMeta()), timeout]);
    expect(result).toMatchObject({ ok: true });
    expect(sent).toHaveLength(1);
    release();
    if (typeof result === "object" && result.ok) await expect(result.delivery).resolves.toBeUndefined();

    // Both kinds of request leave one audit row; an unknown address is not named in it.
    await requestPasswordReset({ db: testDb(), messenger: slowMessenger }, fullSite, { email: "ghost@example.com" }, freshMeta());
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "staff.password_reset_requested" }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => [a.targetId, a.details])).toEqual([
      [user.id, { sent: true }],
      [null, { reason: "unknown-account", emailRef: auditEmailRef("ghost@example.com") }],
    ]);
  });
});

describe("password changes are all or nothing", () => {
  test("when any part fails, the password, the sessions and the audit log stay as they were", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const current = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    const otherDevice = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    // A host whose clinic is gone: the audit row cannot be written, so nothing may be.
    const goneSite = { ...site, clinicId: randomUUID() };
    await expect(
      changeStaffPassword({ db: testDb() }, goneSite, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: PASSWORD, newPassword: "a half saved password" }, meta),
    ).rejects.toThrow();
    expect(await validateSessionToken(testDb(), site, otherDevice.token)).not.toBeNull();
    expect((await signInStaff({ db: testDb() }, site, { email: user.email, password: PASSWORD }, freshMeta())).kind).toBe("signed-in");
  });

  test("the audit row commits with the change", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const current = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    expect(await changeStaffPassword({ db: testDb() }, site, { staffUserId: user.id, currentSessionId: current.session.id, currentPassword: PASSWORD, newPassword: "a fresh new password" }, meta)).toEqual({ ok: true });
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "staff.password_changed", targetId: user.id } }));
    expect(audit).toHaveLength(1);
  });
});

describe("staff sign-out", () => {
  test("ends the session and is audited", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const s = await createSession(testDb(), site, { subject: "staff", staffUserId: user.id }, meta);
    expect(await signOut(testDb(), site, { sessionId: s.session.id, subject: { kind: "staff", staffUserId: user.id } }, meta)).toBe(true);
    expect(await validateSessionToken(testDb(), site, s.token)).toBeNull();
    // A second sign-out of the same session changes nothing and records nothing.
    expect(await signOut(testDb(), site, { sessionId: s.session.id, subject: { kind: "staff", staffUserId: user.id } }, meta)).toBe(false);
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "staff.sign_out" } }));
    expect(audit).toMatchObject([{ actorType: "staff", actorId: user.id, targetId: user.id, ip: meta.ip }]);
  });
});
