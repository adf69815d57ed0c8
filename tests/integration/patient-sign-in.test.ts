import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { requestSignInCode, savePatientName, SMS_NOT_SENT, verifySignInCode } from "~/modules/auth/patient-sign-in.server";
import { maskPhone } from "~/lib/phone";
import { invalidateSession, validateSessionToken } from "~/modules/auth/session.server";
import { IP_SEND_LIMIT } from "~/modules/auth/sign-in-rules";
import { signOut } from "~/modules/auth/sign-out.server";
import { createMessenger } from "~/modules/messaging/messenger.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" };
const meta = { ip: "203.0.113.7", userAgent: "vitest", requestId: "req-1" };

let phoneCounter = 0;
/** A fresh valid US mobile-or-landline number per test, so the global send limits never collide. */
function freshPhone() {
  phoneCounter += 1;
  const n = (Date.now() % 10_000_000) + phoneCounter * 7919;
  // An exchange cannot start with 0 or 1, or the number is not a valid US number at all.
  return `+1212${2 + (n % 8)}${String(n % 1_000_000).padStart(6, "0")}`;
}

async function latestCodeFor(phone: string): Promise<string> {
  const [message] = await listDevOutbox(testDb(), { to: phone, limit: 1 });
  const match = message?.body.match(/^(\d{6}) is your/);
  if (!match) throw new Error(`no code in the development outbox for ${phone}`);
  return match[1]!;
}

const messenger = await createMessenger({ env, db: testDb() });

function deps(now?: () => Date) {
  return { db: testDb(), messenger, now };
}

describe("patient sign-in by SMS code", () => {
  test("send → code from the outbox → session valid on this clinic only", async () => {
    const clinic = await createTestClinic({ name: "Northside Test" });
    const other = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();

    const sent = await requestSignInCode(deps(), site, { phone, ip: `198.51.100.${phoneCounter}` });
    expect(sent.ok).toBe(true);
    const [message] = await listDevOutbox(testDb(), { to: phone });
    expect(message).toMatchObject({ channel: "sms", recipient: phone, purpose: "sign-in-code", clinicSlug: clinic.slug });
    expect(message!.body).toContain("Northside Test");
    // The plus may arrive as a space from a query string.
    expect(await listDevOutbox(testDb(), { to: ` ${phone.slice(1)}` })).toHaveLength(1);

    // Only the hash is stored.
    const code = await latestCodeFor(phone);
    const stored = await testDb().forClinic(clinic.id).tx((tx) => tx.signInCode.findFirstOrThrow({ where: { phone } }));
    expect(stored.codeHash).not.toContain(code);
    expect(stored.codeHash).toMatch(/^[0-9a-f]{64}$/);

    const result = await verifySignInCode(deps(), site, { phone, code }, meta);
    expect(result).toMatchObject({ ok: true, newAccount: true, needsName: true });
    if (!result.ok) return;
    expect(result.session.id).not.toBe(result.token);

    expect(await validateSessionToken(testDb(), site, result.token)).toMatchObject({ session: { patientAccountId: result.patient.id } });
    // The same cookie on another clinic's host, or on the marketplace, is nobody.
    expect(await validateSessionToken(testDb(), { clinicId: other.id, host: `${other.slug}.localhost` }, result.token)).toBeNull();
    expect(await validateSessionToken(testDb(), { clinicId: null, host: "localhost" }, result.token)).toBeNull();
    // ...and a session row cannot be moved to another host name of the same clinic either.
    expect(await validateSessionToken(testDb(), { clinicId: clinic.id, host: "other.localhost" }, result.token)).toBeNull();

    await savePatientName(testDb(), site, result.patient.id, { firstName: "Ada", lastName: "Lovelace" });
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "patient.signed_in", actorId: result.patient.id } }));
    expect(audit).toHaveLength(1);

    // A second sign-in finds the same account, with its name.
    const later = () => new Date(Date.now() + 31_000);
    expect((await requestSignInCode(deps(later), site, { phone, ip: meta.ip })).ok).toBe(true);
    const again = await verifySignInCode(deps(later), site, { phone, code: await latestCodeFor(phone) }, meta);
    expect(again).toMatchObject({ ok: true, newAccount: false, needsName: false, patient: { id: result.patient.id, firstName: "Ada" } });

    // Signing out ends the session.
    await invalidateSession(testDb(), site, result.session.id);
    expect(await validateSessionToken(testDb(), site, result.token)).toBeNull();
  });

  test("a used code is refused", async () => {
    const clinic = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();
    await requestSignInCode(deps(), site, { phone, ip: null });
    const code = await latestCodeFor(phone);
    expect((await verifySignInCode(deps(), site, { phone, code }, meta)).ok).toBe(true);
    expect(await verifySignInCode(deps(), site, { phone, code }, meta)).toMatchObject({ ok: false, message: expect.stringMatching(/already been used/) });
  });

  test("an expired code is refused, even when right", async () => {
    const clinic = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();
    const start = new Date();
    await requestSignInCode(deps(() => start), site, { phone, ip: null });
    const code = await latestCodeFor(phone);
    const tenMinutesLater = () => new Date(start.getTime() + 10 * 60_000);
    expect(await verifySignInCode(deps(tenMinutesLater), site, { phone, code }, meta)).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) });
  });

  test("five wrong codes burn the code; the right one no longer works", async () => {
    const clinic = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();
    await requestSignInCode(deps(), site, { phone, ip: null });
    const code = await latestCodeFor(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) expect(await verifySignInCode(deps(), site, { phone, code: wrong }, meta)).toMatchObject({ ok: false, needsNewCode: false });
    expect(await verifySignInCode(deps(), site, { phone, code: wrong }, meta)).toMatchObject({ ok: false, needsNewCode: true, message: expect.stringMatching(/new code/) });
    expect(await verifySignInCode(deps(), site, { phone, code }, meta)).toMatchObject({ ok: false, message: expect.stringMatching(/Too many wrong codes/) });
  });

  test("a code only works on the host that sent it, and a new code replaces the old one", async () => {
    const a = await createTestClinic();
    const b = await createTestClinic();
    const siteA = { clinicId: a.id, host: `${a.slug}.localhost`, displayName: a.name };
    const siteB = { clinicId: b.id, host: `${b.slug}.localhost`, displayName: b.name };
    const phone = freshPhone();
    const start = new Date();
    await requestSignInCode(deps(() => start), siteA, { phone, ip: null });
    const first = await latestCodeFor(phone);
    expect(await verifySignInCode(deps(), siteB, { phone, code: first }, meta)).toMatchObject({ ok: false });
    const later = () => new Date(start.getTime() + 31_000);
    await requestSignInCode(deps(later), siteA, { phone, ip: null });
    const second = await latestCodeFor(phone);
    if (first !== second) expect(await verifySignInCode(deps(later), siteA, { phone, code: first }, meta)).toMatchObject({ ok: false });
    expect(await verifySignInCode(deps(later), siteA, { phone, code: second }, meta)).toMatchObject({ ok: true });
  });

  test("cool-down and the per-phone limit count every host", async () => {
    const a = await createTestClinic();
    const siteA = { clinicId: a.id, host: `${a.slug}.localhost`, displayName: a.name };
    const market = { clinicId: null, host: "localhost", displayName: "Medslot" };
    const phone = freshPhone();
    const start = new Date();
    const t = (s: number) => () => new Date(start.getTime() + s * 1000);
    expect((await requestSignInCode(deps(t(0)), siteA, { phone, ip: null })).ok).toBe(true);
    expect(await requestSignInCode(deps(t(10)), market, { phone, ip: null })).toMatchObject({ ok: false, retryAfterSeconds: 20 });
    expect((await requestSignInCode(deps(t(30)), market, { phone, ip: null })).ok).toBe(true);
    expect((await requestSignInCode(deps(t(60)), siteA, { phone, ip: null })).ok).toBe(true);
    expect(await requestSignInCode(deps(t(120)), siteA, { phone, ip: null })).toMatchObject({ ok: false, message: expect.stringMatching(/3 codes/) });
    expect((await requestSignInCode(deps(t(600)), siteA, { phone, ip: null })).ok).toBe(true);
  });
});

describe("sending codes", () => {
  test("the code is committed before the text message goes out; a failed send retires it but still counts", async () => {
    const clinic = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();
    const seenDuringSend: unknown[] = [];
    const failing = {
      db: testDb(),
      messenger: {
        sendSms: async () => {
          // Another connection already sees the code and the log row: no transaction is held open meanwhile.
          seenDuringSend.push(await testDb().forClinic(clinic.id).tx((tx) => tx.signInCode.count({ where: { phone } })));
          seenDuringSend.push(await testDb().forPlatform().tx((tx) => tx.smsSendLog.count({ where: { phone } })));
          throw new Error("carrier rejected the number");
        },
      },
    };
    expect(await requestSignInCode(failing, site, { phone, ip: null }, meta)).toEqual({ ok: false, message: SMS_NOT_SENT });
    expect(seenDuringSend).toEqual([1, 1]);
    const code = await testDb().forClinic(clinic.id).tx((tx) => tx.signInCode.findFirstOrThrow({ where: { phone } }));
    expect(code.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await testDb().forPlatform().tx((tx) => tx.smsSendLog.count({ where: { phone } }))).toBe(1);
    // The failed send counts toward the cool-down.
    expect(await requestSignInCode(deps(), site, { phone, ip: null }, meta)).toMatchObject({ ok: false, message: expect.stringMatching(/just sent a code/) });
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: { in: ["patient.code_not_sent", "patient.code_rate_limited"] } }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => a.action)).toEqual(["patient.code_not_sent", "patient.code_rate_limited"]);
    for (const event of audit) expect(JSON.stringify(event)).not.toContain(phone.slice(1));
    expect(audit[1]!.details).toMatchObject({ reason: "cooldown", phone: maskPhone(phone) });
  });

  test("the per-network limit counts an IPv6 /64 as one network", async () => {
    const a = randomBytes(2).readUInt16BE();
    const b = randomBytes(2).readUInt16BE();
    const net = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    const market = { clinicId: null, host: "localhost", displayName: "Medslot" };
    for (let i = 1; i <= IP_SEND_LIMIT; i++) expect((await requestSignInCode(deps(), market, { phone: freshPhone(), ip: `${net}::${i.toString(16)}` })).ok).toBe(true);
    expect(await requestSignInCode(deps(), market, { phone: freshPhone(), ip: `${net}:1:2:3:4` })).toMatchObject({ ok: false, message: expect.stringMatching(/from your network/) });
    expect((await requestSignInCode(deps(), market, { phone: freshPhone(), ip: `2001:db8:${a.toString(16)}:${(b ^ 1).toString(16)}::1` })).ok).toBe(true);
  });
});

describe("audit of patient sign-in", () => {
  test("wrong codes, a burned code and sign-out are recorded with a masked number and never the code", async () => {
    const clinic = await createTestClinic();
    const site = { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
    const phone = freshPhone();
    await requestSignInCode(deps(), site, { phone, ip: null }, meta);
    const code = await latestCodeFor(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 5; i++) await verifySignInCode(deps(), site, { phone, code: wrong }, meta);
    await verifySignInCode(deps(), site, { phone, code }, meta);
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: { startsWith: "patient." } }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => [a.action, (a.details as { reason?: string }).reason ?? null])).toEqual([
      ["patient.sign_in_failed", "wrong-code"],
      ["patient.sign_in_failed", "wrong-code"],
      ["patient.sign_in_failed", "wrong-code"],
      ["patient.sign_in_failed", "wrong-code"],
      ["patient.sign_in_failed", "wrong-code"],
      ["patient.code_exhausted", null],
      ["patient.sign_in_failed", "no-attempts-left"],
    ]);
    for (const event of audit) {
      expect(event).toMatchObject({ actorType: "anonymous", ip: meta.ip, requestId: meta.requestId, details: expect.objectContaining({ phone: maskPhone(phone) }) });
      const text = JSON.stringify(event);
      expect(text).not.toContain(phone.slice(1));
      expect(text).not.toContain(code);
    }

    // Sign in properly, then sign out.
    const later = () => new Date(Date.now() + 31_000);
    await requestSignInCode(deps(later), site, { phone, ip: null }, meta);
    const signedIn = await verifySignInCode(deps(later), site, { phone, code: await latestCodeFor(phone) }, meta);
    if (!signedIn.ok) throw new Error(signedIn.message);
    expect(await signOut(testDb(), site, { sessionId: signedIn.session.id, subject: { kind: "patient", patientAccountId: signedIn.patient.id } }, meta)).toBe(true);
    expect(await validateSessionToken(testDb(), site, signedIn.token)).toBeNull();
    const out = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "patient.sign_out" } }));
    expect(out).toMatchObject([{ actorType: "patient", actorId: signedIn.patient.id, targetId: signedIn.patient.id }]);
  });
});
