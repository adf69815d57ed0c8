/**
 * The staff, documents and platform admin pages beyond who may open the clinic's pages (that is in
 * permission-matrix.test.ts): B's ids on B's own host are not found; on the marketplace host /admin
 * is for platform operators only (patients 403, clinic staff and nobody sent to sign in).
 */
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/modules/auth/session.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { resolveSite } from "~/modules/tenancy/site.server";
import * as adminClinic from "~/routes/admin.clinics.$id";
import * as adminDocument from "~/routes/admin.clinics.$id_.documents.$documentId";
import * as adminIndex from "~/routes/admin._index";
import * as adminLayout from "~/routes/admin";
import * as documentsPage from "~/routes/panel.documents";
import * as documentFile from "~/routes/panel.documents_.$id";
import * as staffPage from "~/routes/panel.staff";
import * as invitePage from "~/routes/staff.invite.$token";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, staffCookie, type PanelFixture, type PanelRoute } from "../support/panel-client";

let a: PanelFixture;
let b: PanelFixture;
let docA: string;
let docB: string;
let inviteA: string;
let operatorCookie: string;
let patientCookie: string;
let clinicStaffOnPlatform: string;

const PDF = "%PDF-1.4\n% test\n";

async function seedDocument(f: PanelFixture) {
  return testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      const d = await tx.clinicDocument.create({ data: { clinicId: f.clinic.id, kind: "licence", title: "Licence", fileName: "licence.pdf", contentType: "application/pdf", sizeBytes: PDF.length, data: Buffer.from(PDF) } });
      return d.id;
    });
}

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  [docA, docB] = await Promise.all([seedDocument(a), seedDocument(b)]);
  inviteA = await testDb()
    .forClinic(a.clinic.id)
    .tx(async (tx) => (await tx.staffInvite.create({ data: { clinicId: a.clinic.id, email: `inv-${randomUUID().slice(0, 6)}@example.com`, roles: ["secretary"], tokenHash: "a".repeat(64), expiresAt: new Date(Date.now() + 86_400_000) } })).id);
  const operator = await testDb()
    .system("test: operator")
    .tx(async (tx) => {
      const user = await tx.staffUser.create({ data: { email: `op-${randomUUID().slice(0, 8)}@medslot.test`, name: "Olga Operator", passwordHash: "not-a-hash" } });
      await tx.platformOperator.create({ data: { staffUserId: user.id } });
      return user.id;
    });
  operatorCookie = await staffCookie({ clinicId: null, host: "localhost" }, operator);
  clinicStaffOnPlatform = await staffCookie({ clinicId: null, host: "localhost" }, a.staff.owner);
  const { token } = await createSession(testDb(), { clinicId: null, host: "localhost" }, { subject: "patient", patientAccountId: a.patientId }, { ip: "203.0.113.9", userAgent: "vitest" });
  patientCookie = `${SESSION_COOKIE}=${token}`;
});
afterAll(releaseAppDb);

interface Case {
  name: string;
  route: PanelRoute;
  path: string;
  params?: (f: PanelFixture) => Record<string, string>;
  form?: (f: PanelFixture) => Record<string, string | string[]>;
}

describe("clinic B's owner cannot reach A's rows by id on B's own host", () => {
  it("A's document is not found", async () => {
    expect((await callPanel(documentFile, `/panel/documents/${docA}`, { host: b.host, cookie: b.cookies.owner, params: { id: docA } })).status).toBe(404);
  });
  it("A's document cannot be deleted", async () => {
    const answer = await callPanel<{ ok: boolean }>(documentsPage, "/panel/documents", { host: b.host, cookie: b.cookies.owner, form: { intent: "delete", documentId: docA } });
    expect(answer.status).toBe(404);
    const still = await testDb().forClinic(a.clinic.id).tx((tx) => tx.clinicDocument.count({ where: { id: docA } }));
    expect(still).toBe(1);
  });
  it("A's invitation cannot be cancelled, and A's staff cannot be deactivated", async () => {
    expect((await callPanel<{ ok: boolean }>(staffPage, "/panel/staff", { host: b.host, cookie: b.cookies.owner, form: { intent: "cancel-invite", inviteId: inviteA } })).data.ok).toBe(false);
    expect((await callPanel<{ ok: boolean }>(staffPage, "/panel/staff", { host: b.host, cookie: b.cookies.owner, form: { intent: "deactivate", staffUserId: a.staff.secretary } })).data.ok).toBe(false);
    const active = await testDb().forClinic(a.clinic.id).tx((tx) => tx.clinicMembership.count({ where: { staffUserId: a.staff.secretary, active: true } }));
    expect(active).toBe(1);
  });
  it("the owner's document upload takes a real multipart file and checks its bytes", async () => {
    const form = new FormData();
    form.set("intent", "upload");
    form.set("kind", "insurance");
    form.set("file", new File([new TextEncoder().encode("<html>not a pdf</html>")], "policy.pdf", { type: "application/pdf" }));
    const request = new Request(`http://${a.host}/panel/documents`, { method: "POST", headers: { Cookie: a.cookies.owner }, body: form });
    const context = { requestId: randomUUID(), site: await resolveSite(a.host, "localhost", testDb()), clientIp: "203.0.113.9" } as AppLoadContext;
    const refused = (await documentsPage.action({ request, context, params: {} })) as unknown as { data: { ok: boolean; field?: string }; init: { status: number } };
    expect(refused.data).toMatchObject({ ok: false, field: "file" });
    const good = new FormData();
    good.set("intent", "upload");
    good.set("kind", "insurance");
    good.set("file", new File([new TextEncoder().encode(PDF)], "policy.pdf", { type: "application/pdf" }));
    const ok = (await documentsPage.action({ request: new Request(`http://${a.host}/panel/documents`, { method: "POST", headers: { Cookie: a.cookies.owner }, body: good }), context, params: {} })) as unknown as { data: { ok: boolean } };
    expect(ok.data.ok).toBe(true);
  });
});

describe("the invitation page", () => {
  it("answers on a clinic's host for anyone (the token is the key) and not at all on the marketplace host", async () => {
    expect((await callPanel(invitePage, "/staff/invite/x", { host: a.host, params: { token: "nosuchtokenatallxxxx" } })).status).toBe(404);
    expect((await callPanel(invitePage, "/staff/invite/x", { host: "localhost", params: { token: "nosuchtokenatallxxxx" } })).status).toBe(404);
    expect((await callPanel(invitePage, "/staff/invite/x", { host: "localhost", params: { token: "nosuchtokenatallxxxx" }, form: { intent: "existing-account", password: "x" } })).status).toBe(404);
    const answer = await callPanel<{ errors: Record<string, string> }>(invitePage, "/staff/invite/x", { host: a.host, params: { token: "nosuchtokenatallxxxx" }, form: { intent: "existing-account", password: "x" } });
    expect(answer.status).toBe(400);
    expect(answer.data.errors.form).toMatch(/not valid/);
  });
});

const adminCases: Case[] = [
  { name: "/admin (layout)", route: adminLayout, path: "/admin" },
  { name: "/admin", route: adminIndex, path: "/admin" },
  { name: "/admin?status=draft", route: adminIndex, path: "/admin?status=draft" },
  { name: "/admin/clinics/$id", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: a.clinic.id }) },
  { name: "suspend (reason too short)", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: a.clinic.id }), form: () => ({ intent: "suspend", reason: "no" }) },
  { name: "approve (not a draft)", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: a.clinic.id }), form: () => ({ intent: "approve" }) },
  { name: "reinstate (not suspended)", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: a.clinic.id }), form: () => ({ intent: "reinstate", reason: "all good again" }) },
  { name: "verify a document", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: b.clinic.id }), form: () => ({ intent: "verify-document", documentId: docB }) },
  { name: "reject a document", route: adminClinic, path: "/admin/clinics/x", params: () => ({ id: a.clinic.id }), form: () => ({ intent: "reject-document", documentId: docA, reason: "Blurry scan" }) },
  { name: "a document's file", route: adminDocument, path: "/admin/clinics/x/documents/y", params: () => ({ id: a.clinic.id, documentId: docA }) },
];

describe.each(adminCases)("$name", ({ route, path, params, form }) => {
  it("a platform operator is allowed", async () => {
    const answer = await callPanel(route, path, { host: "localhost", cookie: operatorCookie, params: params?.(a), form: form?.(a) });
    expect(answer.status, JSON.stringify(answer.data)).toBeLessThan(500);
    expect([200, 400, 422]).toContain(answer.status);
  });
  it("a patient signed in on the marketplace is refused", async () => {
    expect((await callPanel(route, path, { host: "localhost", cookie: patientCookie, params: params?.(a), form: form?.(a) })).status).toBe(403);
  });
  it("a clinic's owner with a session on the marketplace host, or a clinic-host cookie, is sent to sign in", async () => {
    expect((await callPanel(route, path, { host: "localhost", cookie: clinicStaffOnPlatform, params: params?.(a), form: form?.(a) })).status).toBe(302);
    expect((await callPanel(route, path, { host: "localhost", cookie: a.cookies.owner, params: params?.(a), form: form?.(a) })).status).toBe(302);
  });
  it("nobody signed in is sent to sign in", async () => {
    expect((await callPanel(route, path, { host: "localhost", params: params?.(a), form: form?.(a) })).status).toBe(302);
  });
  it("does not exist on a clinic's host, even for its owner", async () => {
    expect((await callPanel(route, path, { host: a.host, cookie: a.cookies.owner, params: params?.(a), form: form?.(a) })).status).toBe(404);
  });
});

describe("the operator with ids that don't fit", () => {
  it("an unknown clinic, or one clinic's document through another clinic, is not found", async () => {
    expect((await callPanel(adminClinic, "/admin/clinics/x", { host: "localhost", cookie: operatorCookie, params: { id: randomUUID() } })).status).toBe(404);
    expect((await callPanel(adminClinic, "/admin/clinics/x", { host: "localhost", cookie: operatorCookie, params: { id: "not-a-uuid" } })).status).toBe(404);
    expect((await callPanel(adminDocument, "/admin/clinics/x/documents/y", { host: "localhost", cookie: operatorCookie, params: { id: b.clinic.id, documentId: docA } })).status).toBe(404);
  });
  it("the clinic page shows no patient data", async () => {
    const answer = await callPanel<{ clinic: Record<string, unknown> }>(adminClinic, "/admin/clinics/x", { host: "localhost", cookie: operatorCookie, params: { id: a.clinic.id } });
    const patient = await testDb().forClinic(a.clinic.id).tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: a.patientId }, select: { phone: true } }));
    expect(JSON.stringify(answer.data)).not.toContain(patient.phone);
    expect(JSON.stringify(answer.data)).not.toContain(a.patientId);
  });
});
