import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { hashPassword } from "~/modules/auth/password.server";
import { createSession, invalidateSession, validateSessionToken } from "~/modules/auth/session.server";
import {
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
import { createMessenger } from "~/modules/messaging/messenger.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" };
const meta = { ip: "203.0.113.9", userAgent: "vitest", requestId: "req-staff" };
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

  test("lockout after 5 failures, audited; unlocked exactly at locked_until; success resets the count", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const t0 = new Date();
    const at = (ms: number) => () => new Date(t0.getTime() + ms);
    for (let i = 1; i <= 4; i++) {
      expect(await signInStaff({ db: testDb(), now: at(i) }, site, { email: user.email, password: "nope nope nope" }, meta)).toEqual({ kind: "refused", message: GENERIC_REFUSAL });
    }
    const fifth = await signInStaff({ db: testDb(), now: at(5) }, site, { email: user.email, password: "nope nope nope" }, meta);
    expect(fifth).toMatchObject({ kind: "refused", message: expect.stringMatching(/locked.*in 15 minutes/) });
    // While locked, even the right password is refused.
    expect(await signInStaff({ db: testDb(), now: at(6) }, site, { email: user.email, password: PASSWORD }, meta)).toMatchObject({ kind: "refused", message: expect.stringMatching(/locked/) });
    const row = await testDb().forClinic(clinic.id).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: user.id } }));
    expect(row.failedSignIns).toBe(5);
    expect(row.lockedUntil!.getTime()).toBe(t0.getTime() + 5 + 15 * 60_000);
    expect(await signInStaff({ db: testDb(), now: () => new Date(row.lockedUntil!.getTime() - 1) }, site, { email: user.email, password: PASSWORD }, meta)).toMatchObject({ kind: "refused" });
    expect(await signInStaff({ db: testDb(), now: () => row.lockedUntil! }, site, { email: user.email, password: PASSWORD }, meta)).toMatchObject({ kind: "signed-in" });
    const after = await testDb().forClinic(clinic.id).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: user.id } }));
    expect(after).toMatchObject({ failedSignIns: 0, lockedUntil: null });

    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { occurredAt: "asc" } }));
    const actions = audit.map((a) => a.action);
    // Four wrong passwords, the fifth that locks, and two tries while locked.
    expect(actions.filter((a) => a === "staff.sign_in_failed")).toHaveLength(7);
    expect(actions.filter((a) => a === "staff.locked_out")).toHaveLength(1);
    expect(actions.filter((a) => a === "staff.signed_in")).toHaveLength(1);
    expect(audit[0]).toMatchObject({ clinicId: clinic.id, ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId });
  });

  test("TOTP: the password alone is not enough", async () => {
    const { clinic, site } = await clinicSite();
    const user = await staffOf(clinic.id);
    const secret = newTotpSecret();
    expect(await enableTotp({ db: testDb() }, site, { staffUserId: user.id, secret, code: "000000" === currentTotp(secret) ? "111111" : "000000" }, meta)).toMatchObject({ ok: false });
    expect(await enableTotp({ db: testDb() }, site, { staffUserId: user.id, secret, code: currentTotp(secret) }, meta)).toEqual({ ok: true });
    const first = await signInStaff({ db: testDb() }, site, { email: user.email, password: PASSWORD }, meta);
    expect(first).toEqual({ kind: "totp-required", staffUserId: user.id });
    const wrong = currentTotp(secret) === "123456" ? "654321" : "123456";
    expect(await completeTotpSignIn({ db: testDb() }, site, { staffUserId: user.id, code: wrong }, meta)).toMatchObject({ kind: "refused" });
    expect(await completeTotpSignIn({ db: testDb() }, site, { staffUserId: user.id, code: currentTotp(secret) }, meta)).toMatchObject({ kind: "signed-in" });
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
    const messenger = createMessenger({ env, db: testDb() });
    const fullSite = { ...site, displayName: clinic.name, origin: `http://${site.host}:3000` };

    // Unknown addresses get no email (and the page says the same thing either way).
    await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: "ghost@example.com" }, meta);
    expect(await listDevOutbox(testDb(), { to: "ghost@example.com" })).toHaveLength(0);

    await requestPasswordReset({ db: testDb(), messenger }, fullSite, { email: user.email }, meta);
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
    const messenger = createMessenger({ env, db: testDb() });
    await requestPasswordReset({ db: testDb(), messenger, now: () => start }, { ...site, displayName: clinic.name, origin: "http://x.localhost" }, { email: user.email }, meta);
    const [email] = await listDevOutbox(testDb(), { to: user.email });
    const token = email!.body.match(/\/staff\/reset-password\/([a-z2-7]+)/)![1]!;
    expect(await checkResetToken({ db: testDb(), now: () => new Date(start.getTime() + 60 * 60_000 - 1) }, token)).toMatchObject({ ok: true });
    const late = () => new Date(start.getTime() + 60 * 60_000);
    expect(await checkResetToken({ db: testDb(), now: late }, token)).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) });
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
