/**
 * Staff invitations, membership changes, onboarding documents and the operator's decisions, on the
 * real database: a link works once, for 7 days, on its own clinic's host only; the last active
 * owner stays; a deactivated person's session here is refused; approval waits for the steps (or an
 * explicit override); a suspended clinic refuses bookings in the booking module and the API.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { hashPassword } from "~/modules/auth/password.server";
import { validateSessionToken, createSession } from "~/modules/auth/session.server";
import { signInAccountRef, signInStaff } from "~/modules/auth/staff-sign-in.server";
import { sniffDocumentType, uploadClinicDocument } from "~/modules/clinic/clinic-documents.server";
import { acceptInvite, changeInvite, checkInvite, INVITE_DAYS } from "~/modules/clinic/staff-invites.server";
import { changeStaffMember } from "~/modules/clinic/staff-members.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { createMessenger } from "~/modules/messaging/messenger.server";
import { decideForClinic, getOnboardingDetail, getOnboardingOverview, onboardingSteps, utcWeek } from "~/modules/platform/onboarding.server";
import { bookAppointment, ClinicNotTakingBookingsError } from "~/modules/scheduling/booking.server";
import { addDays, toOffsetIso, utcToZoned } from "~/lib/zoned-time";
import { forgetCachedSites } from "~/modules/tenancy/site.server";
import * as appointmentRoute from "~/routes/api.v1.appointments";
import { callRoute, releaseAppDb, routeDbIsTestDb, usPhone } from "../support/api-client";
import { createTestClinic, testDb } from "../support/db";
import { createScheduleFixture, localInstant } from "../support/scheduling";

const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" };
const PASSWORD = "correct horse battery";

function freshMeta() {
  const [a, b, c] = randomBytes(3);
  return { ip: `10.${a}.${b}.${c}`, userAgent: "vitest", requestId: `req-${randomUUID().slice(0, 8)}` };
}

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

async function clinicWithOwner() {
  const clinic = await createTestClinic();
  const owner = await staffOf(clinic.id, "owner");
  return { clinic, owner, site: { clinicId: clinic.id, host: `${clinic.slug}.localhost` }, inviteClinic: { id: clinic.id, name: clinic.name, origin: `http://${clinic.slug}.localhost:3000` } };
}

async function staffOf(clinicId: string, role: "owner" | "secretary" | "doctor", email = `staff-${randomUUID().slice(0, 8)}@example.com`) {
  return testDb()
    .forClinic(clinicId)
    .tx(async (tx) => {
      const u = await tx.staffUser.create({ data: { email, name: "Sam Staff", passwordHash: await hashPassword(PASSWORD) } });
      await tx.clinicMembership.create({ data: { clinicId, staffUserId: u.id, role } });
      return u;
    });
}

const actorOf = (staffUserId: string) => ({ staffUserId, request: { ip: "203.0.113.9", userAgent: "vitest", requestId: null } });

/** The token from the newest invitation email to `to` in the development outbox. */
async function tokenSentTo(to: string) {
  const [email] = await listDevOutbox(testDb(), { to });
  const match = /\/staff\/invite\/([a-z2-7]+)/.exec(email?.body ?? "");
  if (!match) throw new Error(`no invitation to ${to}`);
  return match[1]!;
}

async function auditActions(clinicId: string | null, targetId?: string) {
  const scope = clinicId ? testDb().forClinic(clinicId) : testDb().forPlatform();
  const rows = await scope.tx((tx) => tx.auditEvent.findMany({ where: { clinicId, ...(targetId ? { targetId } : {}) }, orderBy: { occurredAt: "asc" }, select: { action: true } }));
  return rows.map((r) => r.action);
}

describe("invitations", () => {
  test("the emailed link creates the person once; used, expired, cancelled and foreign-host links get their own answer", async () => {
    const { clinic, owner, site, inviteClinic } = await clinicWithOwner();
    const other = await clinicWithOwner();
    const messenger = await createMessenger({ env, db: testDb() });
    const email = `New.Person-${randomUUID().slice(0, 6)}@Example.com`;
    const sent = await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email, roles: ["secretary"], specialty: null }, actorOf(owner.id));
    expect(sent.ok).toBe(true);
    const token = await tokenSentTo(email.toLowerCase());
    const [row] = await testDb().forClinic(clinic.id).tx((tx) => tx.staffInvite.findMany({ where: { email: email.toLowerCase() } }));
    // Only the hash is kept.
    expect(row!.tokenHash).not.toContain(token);
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    // Another clinic's host knows nothing of it.
    expect(await checkInvite({ db: testDb().forClinic(other.clinic.id) }, token)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await acceptInvite({ db: testDb() }, other.site, token, { intent: "create-account", name: "Mallory", password: "a long enough password", confirmPassword: "a long enough password" }, freshMeta())).toMatchObject({ ok: false, field: "form" });

    // Same password rules as a reset.
    expect(await acceptInvite({ db: testDb() }, site, token, { intent: "create-account", name: "Nia New", password: "short", confirmPassword: "short" }, freshMeta())).toMatchObject({ ok: false, field: "password" });
    const accepted = await acceptInvite({ db: testDb() }, site, token, { intent: "create-account", name: "Nia New", password: "a long enough password", confirmPassword: "a long enough password" }, freshMeta());
    expect(accepted.ok).toBe(true);
    if (!accepted.ok || !accepted.token) throw new Error("expected a session");
    expect(await validateSessionToken(testDb(), site, accepted.token)).not.toBeNull();
    const roles = await testDb().forClinic(clinic.id).tx((tx) => tx.clinicMembership.findMany({ where: { staffUserId: accepted.staffUserId, active: true }, select: { role: true } }));
    expect(roles.map((r) => r.role)).toEqual(["secretary"]);
    const user = await testDb().forClinic(clinic.id).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: accepted.staffUserId } }));
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await signInStaff({ db: testDb() }, site, { email, password: "a long enough password" }, freshMeta())).kind).toBe("signed-in");

    // Single use.
    expect(await checkInvite({ db: testDb().forClinic(clinic.id) }, token)).toMatchObject({ ok: false, reason: "used" });
    expect(await acceptInvite({ db: testDb() }, site, token, { intent: "create-account", name: "Again", password: "a long enough password", confirmPassword: "a long enough password" }, freshMeta())).toMatchObject({ ok: false });

    // Expiry: the link works until 7 days after it was sent, not a moment later.
    const later = `later-${randomUUID().slice(0, 6)}@example.com`;
    const sentAt = new Date("2026-12-01T12:00:00Z");
    await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger, now: () => sentAt }, inviteClinic, { intent: "invite", email: later, roles: ["doctor"], specialty: "Dermatology" }, actorOf(owner.id));
    const lateToken = await tokenSentTo(later);
    const justBefore = new Date(sentAt.getTime() + INVITE_DAYS * 86_400_000 - 1);
    expect(await checkInvite({ db: testDb().forClinic(clinic.id), now: () => justBefore }, lateToken)).toMatchObject({ ok: true, roles: ["doctor"] });
    expect(await checkInvite({ db: testDb().forClinic(clinic.id), now: () => new Date(justBefore.getTime() + 1) }, lateToken)).toMatchObject({ ok: false, reason: "expired" });

    // Re-sending replaces the token; cancelling ends it.
    const [lateInvite] = await testDb().forClinic(clinic.id).tx((tx) => tx.staffInvite.findMany({ where: { email: later } }));
    expect((await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "resend-invite", inviteId: lateInvite!.id }, actorOf(owner.id))).ok).toBe(true);
    const newToken = await tokenSentTo(later);
    expect(newToken).not.toBe(lateToken);
    expect(await checkInvite({ db: testDb().forClinic(clinic.id) }, lateToken)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await checkInvite({ db: testDb().forClinic(clinic.id) }, newToken)).toMatchObject({ ok: true });
    expect((await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "cancel-invite", inviteId: lateInvite!.id }, actorOf(owner.id))).ok).toBe(true);
    expect(await checkInvite({ db: testDb().forClinic(clinic.id) }, newToken)).toMatchObject({ ok: false, reason: "cancelled" });

    // Another clinic's owner cannot cancel or re-send it by id.
    expect(await changeInvite({ db: testDb().forClinic(other.inviteClinic.id), messenger }, other.inviteClinic, { intent: "cancel-invite", inviteId: lateInvite!.id }, actorOf(other.owner.id))).toMatchObject({ ok: false, message: "That invitation does not exist." });

    expect(await auditActions(clinic.id)).toEqual(expect.arrayContaining(["staff.invited", "staff.invite_accepted", "staff.invite_resent", "staff.invite_cancelled"]));
  });

  test("two tabs accepting at once: exactly one succeeds", async () => {
    const { owner, site, inviteClinic } = await clinicWithOwner();
    const messenger = await createMessenger({ env, db: testDb() });
    const email = `race-${randomUUID().slice(0, 6)}@example.com`;
    await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email, roles: ["secretary"], specialty: null }, actorOf(owner.id));
    const token = await tokenSentTo(email);
    const input = { intent: "create-account" as const, name: "Twin", password: "a long enough password", confirmPassword: "a long enough password" };
    const results = await Promise.allSettled([acceptInvite({ db: testDb() }, site, token, input, freshMeta()), acceptInvite({ db: testDb() }, site, token, input, freshMeta())]);
    const ok = results.filter((r) => r.status === "fulfilled" && r.value.ok);
    expect(ok).toHaveLength(1);
  });

  test("someone with a staff account elsewhere accepts with their own password, and a wrong one counts as a failure", async () => {
    const { clinic, owner, site, inviteClinic } = await clinicWithOwner();
    const elsewhere = await clinicWithOwner();
    const person = await staffOf(elsewhere.clinic.id, "doctor");
    const messenger = await createMessenger({ env, db: testDb() });
    await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email: person.email, roles: ["doctor", "owner"], specialty: "Cardiology" }, actorOf(owner.id));
    const token = await tokenSentTo(person.email);
    expect(await checkInvite({ db: testDb().forClinic(clinic.id) }, token)).toMatchObject({ ok: true, existingAccount: true });
    // Creating a second account for the address is refused.
    expect(await acceptInvite({ db: testDb() }, site, token, { intent: "create-account", name: "X", password: "a long enough password", confirmPassword: "a long enough password" }, freshMeta())).toMatchObject({ ok: false, field: "form" });
    expect(await acceptInvite({ db: testDb() }, site, token, { intent: "existing-account", password: "wrong password" }, freshMeta())).toMatchObject({ ok: false, field: "password" });
    // Counted like a wrong sign-in password: against this address from that network.
    const failed = await testDb().forPlatform().tx((tx) => tx.staffSignInDelay.findMany({ where: { accountRef: signInAccountRef(person.email) } }));
    expect(failed.map((f) => f.failures)).toEqual([1]);
    const accepted = await acceptInvite({ db: testDb() }, site, token, { intent: "existing-account", password: PASSWORD }, freshMeta());
    expect(accepted).toMatchObject({ ok: true, staffUserId: person.id });
    const rows = await testDb().forClinic(clinic.id).tx((tx) => tx.clinicMembership.findMany({ where: { staffUserId: person.id }, select: { role: true, specialty: true } }));
    expect(rows.map((r) => r.role).sort()).toEqual(["doctor", "owner"]);
    expect(rows.find((r) => r.role === "doctor")?.specialty).toBe("Cardiology");
  });

  test("an address that already works here, or already has an open invitation, is refused with a field message", async () => {
    const { owner, inviteClinic } = await clinicWithOwner();
    const messenger = await createMessenger({ env, db: testDb() });
    expect(await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email: owner.email.toUpperCase(), roles: ["secretary"], specialty: null }, actorOf(owner.id))).toMatchObject({ ok: false, field: "email" });
    const email = `twice-${randomUUID().slice(0, 6)}@example.com`;
    expect((await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email, roles: ["secretary"], specialty: null }, actorOf(owner.id))).ok).toBe(true);
    expect(await changeInvite({ db: testDb().forClinic(inviteClinic.id), messenger }, inviteClinic, { intent: "invite", email, roles: ["doctor"], specialty: null }, actorOf(owner.id))).toMatchObject({ ok: false, field: "email" });
  });
});

describe("membership changes", () => {
  test("the last active owner can neither lose the owner role nor be deactivated; with a second owner it works", async () => {
    const { clinic, owner } = await clinicWithOwner();
    const db = testDb();
    expect(await changeStaffMember(db.forClinic(clinic.id), { intent: "set-roles", staffUserId: owner.id, roles: ["secretary"] }, actorOf(owner.id))).toMatchObject({ ok: false, field: "roles" });
    expect(await changeStaffMember(db.forClinic(clinic.id), { intent: "deactivate", staffUserId: owner.id }, actorOf(owner.id))).toMatchObject({ ok: false, message: expect.stringMatching(/at least one active owner/) });
    const second = await staffOf(clinic.id, "secretary");
    expect((await changeStaffMember(db.forClinic(clinic.id), { intent: "set-roles", staffUserId: second.id, roles: ["owner", "secretary"] }, actorOf(owner.id))).ok).toBe(true);
    expect((await changeStaffMember(db.forClinic(clinic.id), { intent: "set-roles", staffUserId: owner.id, roles: ["doctor"] }, actorOf(owner.id))).ok).toBe(true);
    expect(await auditActions(clinic.id, owner.id)).toContain("staff.role_changed");
  });

  test("two owners deactivating each other at the same moment: one of them stays", async () => {
    const { clinic, owner } = await clinicWithOwner();
    const second = await staffOf(clinic.id, "owner");
    const db = testDb();
    await Promise.all([
      changeStaffMember(db.forClinic(clinic.id), { intent: "deactivate", staffUserId: second.id }, actorOf(owner.id)),
      changeStaffMember(db.forClinic(clinic.id), { intent: "deactivate", staffUserId: owner.id }, actorOf(second.id)),
    ]);
    const owners = await db.forClinic(clinic.id).tx((tx) => tx.clinicMembership.count({ where: { role: "owner", active: true } }));
    expect(owners).toBe(1);
  });

  test("a deactivated person's session here is ended and they cannot sign in here; their other clinic is untouched", async () => {
    const { clinic, owner, site } = await clinicWithOwner();
    const other = await clinicWithOwner();
    const person = await staffOf(clinic.id, "secretary");
    await (testDb().forClinic(other.clinic.id).tx((tx) => tx.clinicMembership.create({ data: { clinicId: other.clinic.id, staffUserId: person.id, role: "secretary" } })));
    const here = await createSession(testDb(), site, { subject: "staff", staffUserId: person.id }, freshMeta());
    const there = await createSession(testDb(), other.site, { subject: "staff", staffUserId: person.id }, freshMeta());
    const answer = await changeStaffMember(testDb().forClinic(clinic.id), { intent: "deactivate", staffUserId: person.id }, actorOf(owner.id));
    expect(answer.ok).toBe(true);
    expect(await validateSessionToken(testDb(), site, here.token)).toBeNull();
    expect(await validateSessionToken(testDb(), other.site, there.token)).not.toBeNull();
    expect((await signInStaff({ db: testDb() }, site, { email: person.email, password: PASSWORD }, freshMeta())).kind).toBe("refused");
    expect((await signInStaff({ db: testDb() }, other.site, { email: person.email, password: PASSWORD }, freshMeta())).kind).toBe("signed-in");
    // Even a session created afterwards (say, one that slipped through) carries no role here.
    const { staffRolesIn } = await import("~/modules/auth/staff-sign-in.server");
    expect(await testDb().forClinic(clinic.id).tx((tx) => staffRolesIn(tx, clinic.id, person.id))).toEqual([]);
    expect(await auditActions(clinic.id, person.id)).toContain("staff.deactivated");

    // Reactivation gives back the chosen roles.
    expect((await changeStaffMember(testDb().forClinic(clinic.id), { intent: "reactivate", staffUserId: person.id, roles: ["secretary"] }, actorOf(owner.id))).ok).toBe(true);
    expect((await signInStaff({ db: testDb() }, site, { email: person.email, password: PASSWORD }, freshMeta())).kind).toBe("signed-in");
  });

  test("doctor details change only for doctors, and another clinic's person is not found", async () => {
    const { clinic, owner } = await clinicWithOwner();
    const other = await clinicWithOwner();
    const doctor = await staffOf(clinic.id, "doctor");
    expect((await changeStaffMember(testDb().forClinic(clinic.id), { intent: "set-doctor", staffUserId: doctor.id, specialty: "Pediatrics", workStatus: "on_leave" }, actorOf(owner.id))).ok).toBe(true);
    const row = await testDb().forClinic(clinic.id).tx((tx) => tx.clinicMembership.findFirstOrThrow({ where: { staffUserId: doctor.id, role: "doctor" } }));
    expect(row).toMatchObject({ specialty: "Pediatrics", workStatus: "on_leave" });
    expect(await changeStaffMember(testDb().forClinic(clinic.id), { intent: "set-doctor", staffUserId: owner.id, specialty: null, workStatus: "active" }, actorOf(owner.id))).toMatchObject({ ok: false });
    expect(await changeStaffMember(testDb().forClinic(other.clinic.id), { intent: "deactivate", staffUserId: doctor.id }, actorOf(other.owner.id))).toMatchObject({ ok: false, message: "That person is not on this clinic's staff." });
  });
});

describe("documents", () => {
  test("the file's first bytes decide its type, not its name", () => {
    expect(sniffDocumentType(new TextEncoder().encode("%PDF-1.7\n"))).toBe("application/pdf");
    expect(sniffDocumentType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffDocumentType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffDocumentType(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniffDocumentType(new TextEncoder().encode("MZ\x90\0"))).toBeNull();
  });

  test("uploads are refused over 5 MB, or when they are not PDF/PNG/JPEG whatever their name", async () => {
    const { clinic, owner } = await clinicWithOwner();
    const pdf = (size: number) => {
      const b = new Uint8Array(size);
      b.set(new TextEncoder().encode("%PDF-1.4"));
      return b;
    };
    expect(await uploadClinicDocument(testDb().forClinic(clinic.id), { kind: "licence", file: { name: "licence.pdf", bytes: pdf(5 * 1024 * 1024 + 1) } }, actorOf(owner.id))).toMatchObject({ ok: false, field: "file" });
    expect(await uploadClinicDocument(testDb().forClinic(clinic.id), { kind: "licence", file: { name: "licence.pdf", bytes: new TextEncoder().encode("<html>not a pdf</html>") } }, actorOf(owner.id))).toMatchObject({ ok: false, field: "file" });
    expect((await uploadClinicDocument(testDb().forClinic(clinic.id), { kind: "licence", file: { name: "licence.pdf", bytes: pdf(5 * 1024 * 1024) } }, actorOf(owner.id))).ok).toBe(true);
  });
});

describe("approval and suspension", () => {
  const operator = { staffUserId: "", request: null };
  beforeAll(async () => {
    const user = await testDb()
      .system("test: operator")
      .tx((tx) => tx.staffUser.create({ data: { email: `operator-${randomUUID().slice(0, 8)}@medslot.test`, name: "Olga Operator", passwordHash: "not-a-hash" } }));
    operator.staffUserId = user.id;
  });

  test("the steps follow the clinic's facts", () => {
    const base = { status: "draft" as const, name: "X", tagline: "t", description: null, contactPhone: "+1", contactEmail: null, locations: 1, bookableServices: 1, scheduleRules: 1, documents: [], payoutsChargesEnabled: true };
    const done = (f: Parameters<typeof onboardingSteps>[0]) => onboardingSteps(f).filter((s) => s.done).map((s) => s.key);
    expect(done(base)).toEqual(["profile", "services", "payouts"]);
    expect(done({ ...base, documents: [{ kind: "licence", status: "verified" }, { kind: "insurance", status: "pending" }] })).toEqual(["profile", "services", "payouts"]);
    expect(done({ ...base, status: "live", documents: [{ kind: "licence", status: "verified" }, { kind: "insurance", status: "verified" }] })).toEqual(["profile", "services", "documents", "payouts", "live"]);
    expect(done({ ...base, locations: 0, scheduleRules: 0 })).toEqual(["payouts"]);
  });

  test("approval is refused until the steps are done, unless an override reason is given; every decision is in both logs", async () => {
    const f = await createScheduleFixture();
    const db = testDb();
    await db.forClinic(f.clinic.id).tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { status: "draft", tagline: "Friendly care", contactEmail: "hello@clinic.test" } }));
    const refused = await decideForClinic(db, f.clinic.id, { intent: "approve", overrideReason: null }, operator);
    expect(refused).toMatchObject({ ok: false, missing: ["Documents verified", "Payouts connected"] });
    expect(await decideForClinic(db, f.clinic.id, { intent: "approve", overrideReason: "short" }, operator)).toMatchObject({ ok: false, field: "overrideReason" });

    // Verify the two documents and connect payouts: now it goes through without an override.
    const owner = await staffOf(f.clinic.id, "owner");
    for (const kind of ["licence", "insurance"] as const) await uploadClinicDocument(db.forClinic(f.clinic.id), { kind, file: { name: `${kind}.png`, bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]) } }, actorOf(owner.id));
    const docs = await db.forClinic(f.clinic.id).tx((tx) => tx.clinicDocument.findMany({ select: { id: true } }));
    expect(await decideForClinic(db, f.clinic.id, { intent: "reject-document", documentId: docs[0]!.id, reason: "Blurry scan" }, operator)).toMatchObject({ ok: true });
    for (const d of docs) expect((await decideForClinic(db, f.clinic.id, { intent: "verify-document", documentId: d.id }, operator)).ok).toBe(true);
    await db.forClinic(f.clinic.id).tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { payoutsChargesEnabled: true } }));
    const detail = await getOnboardingDetail(db, f.clinic.id);
    expect(detail!.steps.filter((s) => !s.done).map((s) => s.key)).toEqual(["live"]);
    expect(await decideForClinic(db, f.clinic.id, { intent: "approve", overrideReason: null }, operator)).toMatchObject({ ok: true });
    expect((await getOnboardingDetail(db, f.clinic.id))!.status).toBe("live");

    // A document id of another clinic is not found through this clinic.
    const other = await createTestClinic();
    expect(await decideForClinic(db, other.id, { intent: "verify-document", documentId: docs[0]!.id }, operator)).toMatchObject({ ok: false, message: "That document does not exist." });

    expect(await auditActions(f.clinic.id)).toEqual(expect.arrayContaining(["clinic.document_verified", "clinic.document_rejected", "clinic.approved"]));
    const platform = await db.forPlatform().tx((tx) => tx.auditEvent.findMany({ where: { clinicId: null, targetId: { in: [f.clinic.id, ...docs.map((d) => d.id)] } }, select: { action: true, details: true } }));
    expect(platform.map((p) => p.action)).toEqual(expect.arrayContaining(["clinic.document_verified", "clinic.approved"]));
  });

  test("an override is recorded with its reason", async () => {
    const clinic = await createTestClinic({ status: "draft" });
    const answer = await decideForClinic(testDb(), clinic.id, { intent: "approve", overrideReason: "Pilot clinic, papers checked by phone" }, operator);
    expect(answer.ok).toBe(true);
    const detail = await getOnboardingDetail(testDb(), clinic.id);
    expect(detail!.decisions[0]).toMatchObject({ action: "clinic.approved", reason: "Pilot clinic, papers checked by phone" });
  });

  test("a suspended clinic refuses new bookings in the booking module and in the API; reinstated, it books again", async () => {
    const f = await createScheduleFixture();
    const db = testDb();
    const today = utcToZoned(new Date(), f.clinic.timeZone).date;
    const start = localInstant(f.clinic.timeZone, addDays(today, 3), "10:00");
    const { key } = await createApiKey(db.forClinic(f.clinic.id), "Clinic software", "cli");
    const host = `${f.clinic.slug}.localhost`;

    expect((await decideForClinic(db, f.clinic.id, { intent: "suspend", reason: "Licence expired" }, operator)).ok).toBe(true);
    await expect(
      db.forClinic(f.clinic.id).tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId }, channel: "staff" }, { type: "staff", id: operator.staffUserId })),
    ).rejects.toBeInstanceOf(ClinicNotTakingBookingsError);

    forgetCachedSites();
    const body = { serviceId: f.serviceId, practitionerId: f.doctorIds[0], start: toOffsetIso(start, f.clinic.timeZone), patient: { phone: usPhone(), firstName: "Ada", lastName: "Lovelace" } };
    const refused = await callRoute<{ type: string; status: number }>(appointmentRoute, "/api/v1/appointments", { method: "POST", host, key, body });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/clinic-not-taking-bookings/);

    expect((await decideForClinic(db, f.clinic.id, { intent: "reinstate", reason: "Licence renewed" }, operator)).ok).toBe(true);
    forgetCachedSites();
    const booked = await callRoute(appointmentRoute, "/api/v1/appointments", { method: "POST", host, key, body });
    expect(booked.status).toBe(201);
  });

  test("the platform counts are numbers only, per clinic and in total, and the filter keeps one status", async () => {
    const f = await createScheduleFixture();
    const today = utcToZoned(new Date(), "UTC").date;
    const week = utcWeek(new Date());
    // A booking inside this UTC week (tomorrow, or today if tomorrow is next week).
    const day = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000) < week.to ? addDays(today, 1) : today;
    const start = localInstant(f.clinic.timeZone, day, "10:00");
    if (start.getTime() > Date.now() + 3_600_000 && start < week.to) {
      await testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId }, channel: "staff" }, { type: "staff", id: operator.staffUserId }));
    }
    const expected = start.getTime() > Date.now() + 3_600_000 && start < week.to ? 1 : 0;
    const { clinics, totals } = await getOnboardingOverview(testDb());
    const mine = clinics.find((c) => c.id === f.clinic.id)!;
    expect(mine.appointmentsThisWeek).toBe(expected);
    expect(mine.steps.find((s) => s.key === "services")!.done).toBe(true);
    expect(Object.keys(mine).sort()).toEqual(["appointmentsThisWeek", "city", "createdAt", "documentsPending", "id", "name", "slug", "staffCount", "status", "steps", "timeZone"]);
    expect(totals.appointmentsThisWeek).toBeGreaterThanOrEqual(expected);
    const drafts = await getOnboardingOverview(testDb(), { status: "draft" });
    expect(drafts.clinics.every((c) => c.status === "draft")).toBe(true);
  });
});
