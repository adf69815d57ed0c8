/**
 * Links the product gives out are built from configuration (APP_DOMAIN, the clinic's subdomain,
 * PUBLIC_URL's scheme and port), on the real HTTP app: a request that names another host in
 * X-Forwarded-Host (or its Host's port, or X-Forwarded-Proto) cannot put that host into a reset
 * link, an invitation, a message, a check-in link, the board link or a page; and with the default
 * TRUST_PROXY a client's X-Forwarded-For changes neither the address in the audit log nor the one
 * rate limits count.
 */
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { checkInUrl } from "~/modules/queue/tokens.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, type RunningApp } from "../support/http-app";
import { insertAppointment, insertPatient, recordingMessenger } from "../support/messages";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

let app: RunningApp;
let f: PanelFixture;
const PUBLIC = "https://localhost:8443";

/** What an attacker puts in front of a request: another host, another scheme, another port. */
const FORGED = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", "x-forwarded-port": "6666" };

beforeAll(async () => {
  vi.stubEnv("PUBLIC_URL", PUBLIC);
  app = await startHttpApp();
  f = await createPanelFixture();
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const emailOf = (staffUserId: string) => testDb().system("test").tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: staffUserId }, select: { email: true } })).then((u) => u.email);

/** A form post as a browser sends it (Origin), or as a script does (no Origin, the fetch metadata a browser would add). */
function postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}, from: "browser" | "script" = "browser") {
  const source: Record<string, string> = from === "browser" ? { origin: `http://${f.host}:${app.port}` } : { "sec-fetch-site": "same-origin" };
  return send({
    port: app.port,
    host: `${f.host}:${app.port}`,
    path,
    headers: { ...source, "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

async function outboxFor(to: string) {
  let messages = await listDevOutbox(testDb(), { to });
  // The reset email leaves after the answer (so unknown and known addresses answer alike).
  for (let i = 0; i < 50 && messages.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    messages = await listDevOutbox(testDb(), { to });
  }
  return messages;
}

test("a reset link asked for with a forged host points at the clinic's configured address", async () => {
  const email = await emailOf(f.staff.secretary);
  const answer = await postForm("/staff/forgot-password", { email }, FORGED, "script");
  expect(answer.status).toBe(200);
  const [message] = await outboxFor(email);
  expect(message?.purpose).toBe("password-reset");
  expect(message!.body).toMatch(new RegExp(`${PUBLIC.replace("localhost", `${f.host}`).replace(/[.:/]/g, "\\$&")}/staff/reset-password/[a-z2-7]+`));
  expect(message!.body).not.toMatch(/evil\.example|6666|http:\/\//);
});

test("a staff invitation sent with a forged host links to the clinic's configured address", async () => {
  const invitee = `new-${Date.now()}@clinic.test`;
  const answer = await postForm("/panel/staff", { intent: "invite", email: invitee, roles: "secretary" }, { ...FORGED, cookie: f.cookies.owner });
  expect(answer.status).toBe(200);
  const [message] = await outboxFor(invitee);
  expect(message!.body).toContain(`https://${f.host}:8443/staff/invite/`);
  expect(message!.body).not.toMatch(/evil\.example|6666|http:\/\//);
});

test("patient messages, check-in links and their QR codes use PUBLIC_URL's scheme and port", async () => {
  const env = { APP_DOMAIN: "medslot.example", PORT: 3000, PUBLIC_URL: "https://medslot.example:8443" };
  // Quiet hours off: the message leaves now, whatever the time of the run.
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { quietHoursStartMin: null, quietHoursEndMin: null } }));
  const patient = await insertPatient(f);
  const a = await insertAppointment(f, { patientAccountId: patient.id });
  const messenger = recordingMessenger();
  await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "booking_confirmation", appointmentId: a.id, dedupeKey: `links:${a.id}` }, { messenger, env });
  const site = `https://${f.clinic.slug}.medslot.example:8443`;
  expect(messenger.sms[0]!.body).toContain(`${site}/account/appointments/${a.id}`);
  expect(messenger.sms[0]!.statusCallback).toBe("https://medslot.example:8443/api/messages/status");
  expect(checkInUrl(f.clinic, a.id, env)).toMatch(new RegExp(`^${site.replace(/[.:/]/g, "\\$&")}/check-in/`));
});

test("the board link on the desk's queue page is the configured address, whatever the request says", async () => {
  const answer = await send({ port: app.port, method: "GET", host: `${f.host}:${app.port}`, path: "/panel/queue", headers: { ...FORGED, cookie: f.cookies.secretary, accept: "text/html" } });
  expect(answer.status).toBe(200);
  expect(answer.text).toContain(`https://${f.host}:8443/board/`);
  expect(answer.text).not.toMatch(/evil\.example|:6666/);
});

test("pages and the API document link to the configured addresses, so a kept page cannot carry a forged host", async () => {
  const home = await send({ port: app.port, method: "GET", host: `localhost:${app.port}`, path: "/", headers: { ...FORGED, accept: "text/html" } });
  expect(home.status).toBe(200);
  expect(home.text).toContain(PUBLIC);
  expect(home.text).not.toMatch(/evil\.example|:6666/);
  const openApi = await send({ port: app.port, method: "GET", host: `${f.host}:${app.port}`, path: "/api/v1/openapi.json", headers: FORGED });
  expect((JSON.parse(openApi.text) as { servers: { url: string }[] }).servers[0]!.url).toBe(`https://${f.host}:8443`);
});

test("with the default TRUST_PROXY, X-Forwarded-For changes neither the audit log's address nor the rate limits'", async () => {
  const email = await emailOf(f.staff.doctor);
  await postForm("/staff/forgot-password", { email }, { "x-forwarded-for": "198.51.100.7" });
  const [event] = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.auditEvent.findMany({ where: { action: "staff.password_reset_requested", targetId: f.staff.doctor }, select: { ip: true } }));
  expect(event!.ip).not.toBe("198.51.100.7");
  expect(event!.ip).toMatch(/127\.0\.0\.1/);

  // Calls without an API key count against the caller's address: a new X-Forwarded-For each time is still one caller.
  // All at once, so the refill (10 a second) cannot hide a burst of 40 from one caller.
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) => send({ port: app.port, method: "GET", host: `${f.host}:${app.port}`, path: "/api/v1/clinic", headers: { "x-forwarded-for": `198.51.100.${i + 10}` } })),
  );
  expect(answers.map((a) => a.status)).toContain(429);
});
