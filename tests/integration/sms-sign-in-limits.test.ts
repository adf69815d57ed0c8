import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { requestSignInCode, verifySignInCode } from "~/modules/auth/patient-sign-in.server";
import { IP_WRONG_CODE_LIMIT } from "~/modules/auth/sign-in-rules";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { createMessenger } from "~/modules/messaging/messenger.server";
import { readSmsCountries, saveSmsCountries } from "~/modules/messaging/settings.server";
import { ValidationError } from "~/utils/errors.server";
import { createTestClinic, testDb } from "../support/db";

/**
 * Against SMS pumping and code guessing: where codes may be texted, hourly budgets per number,
 * per site and for the platform (with an alert for the operator), and wrong codes per network.
 */

afterAll(() => testDb().disconnect());

const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" };
const messenger = await createMessenger({ env, db: testDb() });
const roomy = { perPhone: 100, perClinic: 10_000, platform: 100_000 };

function deps(options: { now?: () => Date; budgets?: typeof roomy; marketplaceCountries?: string[]; budgetPool?: string } = {}) {
  return { db: testDb(), messenger, budgets: options.budgets ?? roomy, now: options.now, marketplaceCountries: options.marketplaceCountries, budgetPool: options.budgetPool };
}

let counter = 0;
/** A fresh number of the given shape per call: "+1212" (US), "+4915" (DE mobile), "+99890" (UZ mobile). */
function fresh(prefix: "+1212" | "+49151" | "+99890") {
  counter += 1;
  const n = String((Date.now() % 1_000_000) * 10 + counter).slice(-6).padStart(6, "0");
  // A US exchange cannot start with 0 or 1.
  return prefix === "+49151" ? `${prefix}${n}12` : prefix === "+99890" ? `${prefix}${n}1` : `${prefix}${2 + (counter % 8)}${n}`;
}

function freshIp() {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

async function siteOf(clinic: { id: string; slug: string; name: string }) {
  return { clinicId: clinic.id, host: `${clinic.slug}.localhost`, displayName: clinic.name };
}

async function textsTo(phone: string) {
  return listDevOutbox(testDb(), { to: phone });
}

async function latestCode(phone: string) {
  const [message] = await listDevOutbox(testDb(), { to: phone, limit: 1 });
  return message!.body.match(/^(\d{6}) is your/)![1]!;
}

describe("where codes may be texted", () => {
  test("satellite, international-network and landline numbers are refused with a clear message, and nothing is sent", async () => {
    const clinic = await createTestClinic();
    const site = await siteOf(clinic);
    for (const phone of ["+870773111632", "+8823100012345", "+882160012345"]) {
      const answer = await requestSignInCode(deps(), site, { phone, ip: freshIp() });
      expect(answer).toEqual({ ok: false, message: "We can only text sign-in codes to mobile numbers from United States. Enter your mobile number.", wrongNumber: true });
      expect(await textsTo(phone)).toHaveLength(0);
    }
    // A German landline, even on a site that texts German mobiles.
    await testDb().forClinic(clinic.id).tx((tx) => tx.clinic.update({ where: { id: clinic.id }, data: { smsCountries: ["DE"] } }));
    const landline = "+493012345678";
    expect(await requestSignInCode(deps(), site, { phone: landline, ip: freshIp() })).toMatchObject({ ok: false, message: expect.stringMatching(/^We can only text sign-in codes to mobile numbers from United States, Germany/) });
    expect(await textsTo(landline)).toHaveLength(0);
    const refused = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "patient.code_refused" } }));
    expect(refused.map((a) => (a.details as { reason: string }).reason)).toEqual(["not-mobile", "not-mobile", "not-mobile", "not-mobile"]);
    expect(await testDb().forPlatform().tx((tx) => tx.smsSendLog.count({ where: { phone: { in: ["+870773111632", landline] } } }))).toBe(0);
  });

  test("a clinic texts its own country and the countries in its settings, nowhere else", async () => {
    const clinic = await createTestClinic({ timeZone: "Europe/Berlin" });
    const site = await siteOf(clinic);
    expect(await requestSignInCode(deps(), site, { phone: fresh("+49151"), ip: freshIp() })).toMatchObject({ ok: true });
    const uzbek = fresh("+99890");
    expect(await requestSignInCode(deps(), site, { phone: uzbek, ip: freshIp() })).toEqual({
      ok: false,
      message: "We can't text sign-in codes to numbers from Uzbekistan here. Enter a mobile number from Germany.",
      wrongNumber: true,
    });
    expect(await textsTo(uzbek)).toHaveLength(0);
    // The owner adds Uzbekistan in the clinic's settings.
    await testDb().forClinic(clinic.id).tx((tx) => tx.clinic.update({ where: { id: clinic.id }, data: { smsCountries: ["UZ"] } }));
    expect(await requestSignInCode(deps(), site, { phone: uzbek, ip: freshIp() })).toMatchObject({ ok: true });
    expect(await textsTo(uzbek)).toHaveLength(1);
  });

  test("the owner's list of countries is checked, saved whole and audited; a bad entry changes nothing", async () => {
    const clinic = await createTestClinic();
    const by = { actor: { type: "staff" as const, id: "00000000-0000-4000-8000-000000000001" } };
    expect(await saveSmsCountries(testDb().forClinic(clinic.id), { countries: " uz, kz;UZ " }, by)).toEqual(["UZ", "KZ"]);
    const bad = saveSmsCountries(testDb().forClinic(clinic.id), { countries: "DE, XX" }, by);
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ errors: [{ path: "countries", message: expect.stringMatching(/"XX" is not a country code we know/) }] });
    expect(await readSmsCountries(testDb().forClinic(clinic.id))).toEqual({ own: [], extra: ["UZ", "KZ"] });
    expect(await saveSmsCountries(testDb().forClinic(clinic.id), { countries: "" }, by)).toEqual([]);
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "settings.sms_countries_updated" }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => a.details)).toEqual([{ before: [], after: ["UZ", "KZ"] }, { before: ["UZ", "KZ"], after: [] }]);
  });

  test("a clinic's locations name its countries; the marketplace has the platform's list", async () => {
    const clinic = await createTestClinic({ timeZone: "America/New_York" });
    await testDb().forClinic(clinic.id).tx((tx) => tx.location.create({ data: { clinicId: clinic.id, key: "tashkent", name: "Tashkent", addressLine1: "1 Amir Temur", city: "Tashkent", country: "UZ" } }));
    const site = await siteOf(clinic);
    expect(await requestSignInCode(deps(), site, { phone: fresh("+99890"), ip: freshIp() })).toMatchObject({ ok: true });
    // With a location, the time zone no longer adds a country.
    expect(await requestSignInCode(deps(), site, { phone: fresh("+1212"), ip: freshIp() })).toMatchObject({ ok: false, message: expect.stringMatching(/United States here/) });

    const market = { clinicId: null, host: "localhost", displayName: "Medslot" };
    expect(await requestSignInCode(deps({ marketplaceCountries: ["DE"] }), market, { phone: fresh("+49151"), ip: freshIp() })).toMatchObject({ ok: true });
    expect(await requestSignInCode(deps({ marketplaceCountries: ["DE"] }), market, { phone: fresh("+1212"), ip: freshIp() })).toMatchObject({ ok: false, message: expect.stringMatching(/from United States here/) });
  });
});

describe("guessing codes", () => {
  test(`a network gets ${IP_WRONG_CODE_LIMIT} wrong codes an hour across every number and code`, async () => {
    const clinic = await createTestClinic();
    const site = await siteOf(clinic);
    const attacker = { ip: freshIp(), userAgent: "vitest", requestId: null };
    const t0 = Date.now();
    let wrongSoFar = 0;
    // Many numbers, each with a fresh code: four wrong guesses each stays under the per-code limit.
    while (wrongSoFar < IP_WRONG_CODE_LIMIT) {
      const phone = fresh("+1212");
      await requestSignInCode(deps({ now: () => new Date(t0) }), site, { phone, ip: freshIp() });
      const code = await latestCode(phone);
      const wrong = code === "000000" ? "111111" : "000000";
      for (let i = 0; i < 4 && wrongSoFar < IP_WRONG_CODE_LIMIT; i++, wrongSoFar++) {
        expect(await verifySignInCode(deps({ now: () => new Date(t0) }), site, { phone, code: wrong }, attacker)).toMatchObject({ ok: false, message: expect.stringMatching(/not right/) });
      }
    }
    // The next guess, even the right code, is refused for the network without being checked.
    const phone = fresh("+1212");
    await requestSignInCode(deps({ now: () => new Date(t0) }), site, { phone, ip: freshIp() });
    const code = await latestCode(phone);
    expect(await verifySignInCode(deps({ now: () => new Date(t0) }), site, { phone, code }, attacker)).toEqual({
      ok: false,
      message: "Too many wrong codes have been entered from your network. Please try again in 2 minutes.",
      needsNewCode: false,
    });
    // The patient on another network still signs in with that code.
    expect(await verifySignInCode(deps({ now: () => new Date(t0) }), site, { phone, code }, { ip: freshIp(), userAgent: "vitest", requestId: null })).toMatchObject({ ok: true });
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "patient.sign_in_failed", ip: attacker.ip } }));
    expect(audit.filter((a) => (a.details as { reason: string }).reason === "network-limit")).toHaveLength(1);
  });
});

describe("hourly budgets", () => {
  test("a number gets its hourly budget of codes, whichever sites ask", async () => {
    const a = await createTestClinic();
    const b = await createTestClinic();
    const phone = fresh("+1212");
    const t0 = Date.now();
    const at = (minutes: number) => () => new Date(t0 + minutes * 60_000);
    const budgets = { ...roomy, perPhone: 2 };
    expect(await requestSignInCode(deps({ budgets, now: at(0) }), await siteOf(a), { phone, ip: freshIp() })).toMatchObject({ ok: true });
    expect(await requestSignInCode(deps({ budgets, now: at(1) }), await siteOf(b), { phone, ip: freshIp() })).toMatchObject({ ok: true });
    const refused = await requestSignInCode(deps({ budgets, now: at(20) }), await siteOf(a), { phone, ip: freshIp() });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/several codes to this number in the last hour/) });
    expect(await textsTo(phone)).toHaveLength(2);
    // Half an hour refills one of two codes an hour.
    expect(await requestSignInCode(deps({ budgets, now: at(31) }), await siteOf(a), { phone, ip: freshIp() })).toMatchObject({ ok: true });
  });

  test("a clinic's site gets its hourly budget; the operator is alerted once; other sites go on", async () => {
    const clinic = await createTestClinic();
    const other = await createTestClinic();
    const site = await siteOf(clinic);
    const budgets = { ...roomy, perClinic: 3 };
    for (let i = 0; i < 3; i++) expect(await requestSignInCode(deps({ budgets }), site, { phone: fresh("+1212"), ip: freshIp() })).toMatchObject({ ok: true });
    const phone = fresh("+1212");
    const refused = await requestSignInCode(deps({ budgets }), site, { phone, ip: freshIp() });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/can't send sign-in codes right now because so many have been requested\. Please try again in \d+ minutes?\./), retryAfterSeconds: expect.any(Number) });
    expect(await textsTo(phone)).toHaveLength(0);
    // A refused send spends nothing of the number's own budget.
    expect(await requestSignInCode(deps({ budgets: { ...budgets, perPhone: 1 } }), await siteOf(other), { phone, ip: freshIp() })).toMatchObject({ ok: true });
    await requestSignInCode(deps({ budgets }), site, { phone: fresh("+1212"), ip: freshIp() });

    const alerts = await testDb().forPlatform().tx((tx) => tx.auditEvent.findMany({ where: { clinicId: null, action: "operator.alert", details: { path: ["key"], equals: `sms-budget:site:${clinic.id}` } } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ budget: "perClinic", perHour: 3, clinicId: clinic.id, host: site.host });
    const audit = await testDb().forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { action: "patient.code_rate_limited" } }));
    expect(audit.map((a) => (a.details as { reason: string }).reason)).toEqual(["budget-perClinic", "budget-perClinic"]);
  });

  test("the platform's hourly budget counts every site, and alerts the operator", async () => {
    const sites = [await siteOf(await createTestClinic()), await siteOf(await createTestClinic()), { clinicId: null, host: "localhost", displayName: "Medslot" }];
    // A pool of its own: the platform's real budget is shared by every test running meanwhile.
    const budgetPool = `test-${randomBytes(4).toString("hex")}`;
    const budgets = { ...roomy, platform: 3 };
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await requestSignInCode(deps({ budgets, budgetPool }), sites[i % 3]!, { phone: fresh("+1212"), ip: freshIp() }));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, false, false]);
    expect(answers[3]).toMatchObject({ ok: false, message: expect.stringMatching(/so many have been requested/) });
    const alerts = await testDb().forPlatform().tx((tx) => tx.auditEvent.findMany({ where: { action: "operator.alert", details: { path: ["key"], equals: `${budgetPool}-budget:platform` } } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ budget: "platform", perHour: 3 });
  });
});
