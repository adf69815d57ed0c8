/**
 * The queue's pages beyond who may open them (that is in permission-matrix.test.ts): what a
 * doctor sees of the desk's queue, the desk's and the doctor's actions, the waiting-room board (its
 * secret link is the permission) and the patient's self check-in link (signed per appointment and
 * clinic). Ids or links of one clinic open nothing at the other.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetQueueHub } from "~/modules/queue/hub.server";
import { boardToken, checkInToken } from "~/modules/queue/tokens.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import * as boardEvents from "~/routes/board.$token.events";
import * as board from "~/routes/board.$token";
import * as checkInEvents from "~/routes/check-in.$token.events";
import * as checkInQr from "~/routes/check-in.$token.qr[.]svg";
import * as checkInPage from "~/routes/check-in.$token";
import * as myDay from "~/routes/panel.my-day";
import * as queueEvents from "~/routes/panel.queue.events";
import * as queue from "~/routes/panel.queue";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, openStream, PANEL_ROLES, type PanelFixture } from "../support/panel-client";

let a: PanelFixture;
let b: PanelFixture;

/** A fixed-offset zone where it is around noon now, so "today's visits" never straddle midnight. */
function noonZone() {
  const offset = Math.max(-12, Math.min(14, 12 - new Date().getUTCHours()));
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

const SLOT = 30 * 60_000;
const slots = new Map<string, number>();
/** A visit today with doctor `doctor` (0 or 1) of fixture `f`: the doctor's first starts within the hour, each next one half an hour later. */
async function visitSoon(f: PanelFixture, doctor = 0): Promise<string> {
  const key = `${f.clinic.id}:${doctor}`;
  const n = slots.get(key) ?? 0;
  slots.set(key, n + 1);
  const start = new Date(Math.ceil((Date.now() + 20 * 60_000) / SLOT) * SLOT + n * SLOT);
  const patientId = await f.newPatient();
  const v = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[doctor]!, start, patient: { patientAccountId: patientId }, channel: "staff" }, { type: "staff", id: null }));
  return v.id;
}

beforeAll(async () => {
  routeDbIsTestDb();
  const opts = { doctors: 2, timeZone: noonZone(), shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0 }, rooms: { type: "consultation" as const, count: 2 } };
  [a, b] = await Promise.all([createPanelFixture(opts), createPanelFixture(opts)]);
});
afterAll(async () => {
  await resetQueueHub();
  await releaseAppDb();
});

describe("/panel/queue", () => {
  it.each(PANEL_ROLES)("a %s of the clinic may look (doctors read only, their own patients)", async (role) => {
    const mine = await visitSoon(a, 0);
    const theirs = await visitSoon(a, 1);
    const answer = await callPanel<{ desk: boolean; queue: { arrivals: { appointmentId: string }[] } }>(queue, "/panel/queue", { host: a.host, cookie: a.cookies[role] });
    expect(answer.status).toBe(200);
    expect(answer.data.desk).toBe(role !== "doctor");
    const ids = answer.data.queue.arrivals.map((x) => x.appointmentId);
    expect(ids).toContain(mine);
    if (role === "doctor") expect(ids).not.toContain(theirs);
    else expect(ids).toContain(theirs);
  });

  it("a location of another clinic is not found", async () => {
    expect((await callPanel(queue, `/panel/queue?location=${b.locationId}`, { host: a.host, cookie: a.cookies.owner })).status).toBe(404);
  });

  it.each(["owner", "secretary"] as const)("a %s checks in, calls, starts, finishes and undoes", async (role) => {
    const id = await visitSoon(a);
    const post = (form: Record<string, string>) => callPanel<{ ok: boolean; message: string }>(queue, "/panel/queue", { host: a.host, cookie: a.cookies[role], form });
    expect(await post({ intent: "check-in", appointmentId: id, confirmEarly: "yes" })).toMatchObject({ status: 200, data: { ok: true } });
    expect((await post({ intent: "call", appointmentId: id, roomId: a.roomIds[1]! })).data.message).toMatch(/called to Room 2/);
    expect((await post({ intent: "finish", appointmentId: id })).status).toBe(422);
    expect((await post({ intent: "start", appointmentId: id })).status).toBe(200);
    expect((await post({ intent: "finish", appointmentId: id })).status).toBe(200);
    expect((await post({ intent: "undo", appointmentId: id })).status).toBe(200);
  });

  it("another clinic's appointment id is not found; a bad form is a 400 with a message", async () => {
    const foreign = await visitSoon(b);
    expect((await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: foreign } })).status).toBe(404);
    expect((await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "call", appointmentId: foreign, roomId: b.roomIds[0]! } })).status).toBe(404);
    const bad = await callPanel<{ message: string }>(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: "nope" } });
    expect(bad.status).toBe(400);
    expect(bad.data.message).toMatch(/Choose a visit/);
  });

  it("other pages post check-ins with a redirect back; only same-site paths are followed", async () => {
    const back = await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: await visitSoon(a), redirectTo: "/panel/appointments/x?y=1", confirmEarly: "yes" } });
    expect(back).toMatchObject({ status: 302, location: "/panel/appointments/x?y=1" });
    const evil = await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: await visitSoon(a), redirectTo: "//evil.example/", confirmEarly: "yes" } });
    expect(evil).toMatchObject({ status: 302, location: "/panel/queue" });
  });

  it("rotating the board link retires the old one", async () => {
    const old = boardToken(a.clinic.id, a.locationId, 1);
    const rotated = await callPanel<{ boardToken: string }>(queue, "/panel/queue", { host: a.host, cookie: a.cookies.owner, form: { intent: "rotate-board", locationId: a.locationId } });
    expect(rotated.status).toBe(200);
    expect(rotated.data.boardToken).not.toBe(old);
    expect((await callPanel(board, `/board/${old}`, { host: a.host, params: { token: old } })).status).toBe(404);
    expect((await callPanel(board, `/board/${rotated.data.boardToken}`, { host: a.host, params: { token: rotated.data.boardToken } })).status).toBe(200);
    expect((await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.owner, form: { intent: "rotate-board", locationId: b.locationId } })).status).toBe(404);
  });
});

describe("/panel/queue/events", () => {
  it("another clinic's location is not found", async () => {
    expect((await openStream(queueEvents, `/panel/queue/events?location=${b.locationId}`, { host: a.host, cookie: a.cookies.owner })).status).toBe(404);
  });
});

describe("/panel/my-day", () => {
  it("the doctor calls next, starts and finishes their own patient; the other doctor cannot touch them", async () => {
    const id = await visitSoon(a, 0);
    await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: id, confirmEarly: "yes" } });
    const mine = (form: Record<string, string>, who: "doctor" | "otherDoctor" = "doctor") => callPanel<{ ok: boolean; message: string }>(myDay, "/panel/my-day", { host: a.host, cookie: a.cookies[who], form });
    expect((await mine({ intent: "start", appointmentId: id }, "otherDoctor")).status).toBe(404);
    expect((await mine({ intent: "call", appointmentId: id, roomId: a.roomIds[0]! }, "otherDoctor")).status).toBe(404);
    // Call next takes the first of this doctor's waiting patients (earlier tests left some waiting).
    const read = () => callPanel<{ queue: { appointmentId: string; state: string; position: number | null }[] }>(myDay, "/panel/my-day", { host: a.host, cookie: a.cookies.doctor });
    const first = (await read()).data.queue.find((t) => t.state === "waiting" && t.position === 1)!;
    const called = await mine({ intent: "call-next", roomId: a.roomIds[0]! });
    expect(called.status).toBe(200);
    expect((await read()).data.queue.find((t) => t.appointmentId === first.appointmentId)?.state).toBe("called");
    expect((await mine({ intent: "start", appointmentId: first.appointmentId }, "otherDoctor")).status).toBe(404);
    expect((await mine({ intent: "start", appointmentId: first.appointmentId })).status).toBe(200);
    expect((await mine({ intent: "finish", appointmentId: first.appointmentId }, "otherDoctor")).status).toBe(404);
    expect((await mine({ intent: "finish", appointmentId: first.appointmentId })).status).toBe(200);
    expect((await read()).data.queue.find((t) => t.appointmentId === first.appointmentId)?.state).toBe("done");
    expect((await read()).data.queue.find((t) => t.appointmentId === id)).toBeDefined();
    const theirs = await callPanel<{ queue: { appointmentId: string }[] }>(myDay, "/panel/my-day", { host: a.host, cookie: a.cookies.otherDoctor });
    expect(theirs.data.queue.map((t) => t.appointmentId)).not.toContain(id);
  });
});

describe("/board/$token", () => {
  it("opens with the board link alone, shows numbers and initials only", async () => {
    const id = await visitSoon(a);
    await callPanel(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary, form: { intent: "check-in", appointmentId: id, confirmEarly: "yes" } });
    const tokenA = (await callPanel<{ boardUrl: string }>(queue, "/panel/queue", { host: a.host, cookie: a.cookies.secretary })).data.boardUrl.split("/board/")[1]!;
    const shown = await callPanel<Record<string, unknown>>(board, `/board/${tokenA}`, { host: a.host, params: { token: tokenA } });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.data)).not.toMatch(/Pat|Ient|"Consultation"|phone/);
    expect((await openStream(boardEvents, `/board/${tokenA}/events`, { host: a.host, params: { token: tokenA } })).status).toBe(200);
  });

  it("clinic A's board link shows nothing on clinic B's host; altered links are not found", async () => {
    const tokenA = boardToken(a.clinic.id, a.locationId, 1);
    expect((await callPanel(board, `/board/${tokenA}`, { host: b.host, params: { token: tokenA } })).status).toBe(404);
    expect((await openStream(boardEvents, `/board/${tokenA}/events`, { host: b.host, params: { token: tokenA } })).status).toBe(404);
    expect((await callPanel(board, "/board/abc", { host: a.host, params: { token: "abc" } })).status).toBe(404);
    const forged = boardToken(b.clinic.id, a.locationId, 1);
    expect((await callPanel(board, `/board/${forged}`, { host: a.host, params: { token: forged } })).status).toBe(404);
  });
});

describe("/check-in/$token", () => {
  it("the patient's link shows the visit, checks in and then shows the position", async () => {
    // Clinic B's second doctor has no visits yet: this one starts within the hour, so check-in is open.
    const id = await visitSoon(b, 1);
    const token = checkInToken(b.clinic.id, id);
    const before = await callPanel<{ window: { open: boolean }; ticket: unknown }>(checkInPage, `/check-in/${token}`, { host: b.host, params: { token } });
    expect(before).toMatchObject({ status: 200, data: { window: { open: true }, ticket: null } });
    const posted = await callPanel<{ ok: boolean; message: string }>(checkInPage, `/check-in/${token}`, { host: b.host, params: { token }, form: { intent: "here" } });
    expect(posted).toMatchObject({ status: 200, data: { ok: true } });
    const after = await callPanel<{ ticket: { number: string; position: number; state: string } }>(checkInPage, `/check-in/${token}`, { host: b.host, params: { token } });
    expect(after.data.ticket).toMatchObject({ state: "waiting" });
    expect(after.data.ticket.position).toBeGreaterThanOrEqual(1);
    const again = await callPanel<{ ok: boolean }>(checkInPage, `/check-in/${token}`, { host: b.host, params: { token }, form: { intent: "here" } });
    expect(again.status).toBe(422);
    expect((await openStream(checkInEvents, `/check-in/${token}/events`, { host: b.host, params: { token } })).status).toBe(200);
    const qr = await callPanel<string>(checkInQr, `/check-in/${token}/qr.svg`, { host: b.host, params: { token } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    expect(qr.data).toMatch(/^<svg/);
  });

  it("a link for another clinic, or one altered, is refused everywhere", async () => {
    const id = await visitSoon(a);
    const token = checkInToken(a.clinic.id, id);
    const forB = checkInToken(b.clinic.id, id);
    const altered = token.slice(0, -2) + (token.endsWith("00") ? "11" : "00");
    for (const [host, t] of [
      [b.host, token],
      [a.host, forB],
      [a.host, altered],
      [a.host, `${randomUUID()}.${token.split(".")[1]}`],
    ] as const) {
      expect((await callPanel(checkInPage, `/check-in/${t}`, { host, params: { token: t } })).status).toBe(404);
      expect((await callPanel(checkInPage, `/check-in/${t}`, { host, params: { token: t }, form: { intent: "here" } })).status).toBe(404);
      expect((await openStream(checkInEvents, `/check-in/${t}/events`, { host, params: { token: t } })).status).toBe(404);
      expect((await callPanel(checkInQr, `/check-in/${t}/qr.svg`, { host, params: { token: t } })).status).toBe(404);
    }
  });
});
