/**
 * Live queue streams on the real HTTP app: the staff desk keeps its stream however many public
 * screens (board links, check-in links) follow the same location; public streams are capped per
 * link and per network with a clear 429; a check-in link follows the queue only while its visit is
 * still on today.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PUBLIC_STREAMS_PER_IP, PUBLIC_STREAMS_PER_LINK, resetQueueHub } from "~/modules/queue/hub.server";
import { boardToken, checkInToken } from "~/modules/queue/tokens.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { startHttpApp, type RunningApp } from "../support/http-app";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

let app: RunningApp;
let f: PanelFixture;

/** A fixed-offset zone where it is around noon now, so "today's visits" never straddle midnight. */
function noonZone() {
  const offset = Math.max(-12, Math.min(14, 12 - new Date().getUTCHours()));
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

const SLOT = 30 * 60_000;
let nextSlot = 0;
async function visit(opts: { dayOffset?: number } = {}): Promise<string> {
  const base = Math.ceil((Date.now() + 20 * 60_000) / SLOT) * SLOT + nextSlot++ * SLOT;
  const start = new Date(base + (opts.dayOffset ?? 0) * 24 * 60 * 60_000);
  const bookedAt = new Date(start.getTime() - 3 * 24 * 60 * 60_000);
  const patientId = await f.newPatient();
  const v = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: patientId }, channel: "staff" }, { type: "staff", id: null }, bookedAt));
  return v.id;
}

interface Opened {
  status: number;
  type: string;
  /** The refusal's body (empty for an open stream, which is kept open until closeAll). */
  text: string;
}

const open: http.ClientRequest[] = [];

/** Opens an event stream; an answered stream stays open, a refusal is read to its end. */
function openStream(path: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: app.port, method: "GET", path, headers: { host: f.host, accept: "text/event-stream", ...headers }, agent: false }, (res) => {
      const type = String(res.headers["content-type"] ?? "");
      if (res.statusCode === 200 && type.startsWith("text/event-stream")) {
        open.push(req);
        // The first bytes ("retry: …") prove the stream is live.
        res.once("data", () => resolve({ status: 200, type, text: "" }));
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function closeAll() {
  for (const req of open.splice(0)) req.destroy();
  // The server forgets a stream when its socket closes; give it a moment.
  await new Promise((r) => setTimeout(r, 200));
}

beforeAll(async () => {
  // Behind a proxy on loopback, as a deployment with TRUST_PROXY set: X-Forwarded-For names the network.
  app = await startHttpApp({ env: { TRUST_PROXY: "loopback" } });
  f = await createPanelFixture({ doctors: 2, timeZone: noonZone(), shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0, horizonDays: 30 }, rooms: { type: "consultation", count: 2 } });
  const board = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.location.findFirstOrThrow({ where: { clinicId: f.clinic.id, id: f.locationId }, select: { queueBoardVersion: true } }));
  boardPath = () => `/board/${boardToken(f.clinic.id, f.locationId, board.queueBoardVersion)}/events`;
}, 240_000);

afterAll(async () => {
  await closeAll();
  await app?.close();
  await resetQueueHub();
  await releaseAppDb();
  await testDb().disconnect();
});

let boardPath: () => string;
const deskPath = () => `/panel/queue/events?location=${f.locationId}`;

describe("staff streams have their own capacity", () => {
  test("a board link opened again and again from one network is capped, and the desk still gets its stream", async () => {
    try {
      const answers: Opened[] = [];
      for (let i = 0; i < 60; i++) answers.push(await openStream(boardPath(), { "x-forwarded-for": "198.51.100.7" }));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(PUBLIC_STREAMS_PER_LINK);
      const refused = answers.find((a) => a.status !== 200)!;
      expect(refused.status).toBe(429);
      expect(refused.text).toMatch(/this link/i);

      const desk = await openStream(deskPath(), { cookie: f.cookies.secretary });
      expect(desk.status).toBe(200);
      expect(desk.type).toMatch(/^text\/event-stream/);
    } finally {
      await closeAll();
    }
  });

  test("the same board link from many networks is still capped per link; the desk still connects", async () => {
    try {
      const answers: Opened[] = [];
      for (let i = 0; i < 60; i++) answers.push(await openStream(boardPath(), { "x-forwarded-for": `198.51.100.${i + 10}` }));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(PUBLIC_STREAMS_PER_LINK);
      expect(answers.filter((a) => a.status === 429).length).toBe(60 - PUBLIC_STREAMS_PER_LINK);
      expect((await openStream(deskPath(), { cookie: f.cookies.owner })).status).toBe(200);
    } finally {
      await closeAll();
    }
  });
});

describe("public streams are capped per network", () => {
  test("one network following many links is refused past its share, with a clear answer; another network still connects", async () => {
    const visits = await Promise.all(Array.from({ length: Math.ceil(PUBLIC_STREAMS_PER_IP / PUBLIC_STREAMS_PER_LINK) + 1 }, () => visit()));
    const links = [boardPath(), ...visits.map((id) => `/check-in/${checkInToken(f.clinic.id, id)}/events`)];
    try {
      const ip = { "x-forwarded-for": "203.0.113.50" };
      let opened = 0;
      let refusal: Opened | null = null;
      for (const link of links) {
        for (let i = 0; i < PUBLIC_STREAMS_PER_LINK; i++) {
          const answer = await openStream(link, ip);
          if (answer.status === 200) opened++;
          else {
            refusal = answer;
            break;
          }
        }
        if (refusal) break;
      }
      expect(opened).toBe(PUBLIC_STREAMS_PER_IP);
      expect(refusal?.status).toBe(429);
      expect(refusal?.text).toMatch(/network/i);
      expect((await openStream(links.at(-1)!, { "x-forwarded-for": "203.0.113.51" })).status).toBe(200);
    } finally {
      await closeAll();
    }
  });
});

describe("a check-in link follows the queue only while its visit is on today", () => {
  test("today's visit: a stream", async () => {
    const id = await visit();
    try {
      expect((await openStream(`/check-in/${checkInToken(f.clinic.id, id)}/events`)).status).toBe(200);
    } finally {
      await closeAll();
    }
  });

  test("a cancelled visit: a clear answer, not a stream", async () => {
    const id = await visit();
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: id, reason: "patient_request", overrideReason: "Patient phoned" }, { type: "staff", id: null }));
    const answer = await openStream(`/check-in/${checkInToken(f.clinic.id, id)}/events`);
    expect(answer.status).toBe(410);
    expect(answer.type).not.toMatch(/event-stream/);
    expect(answer.text).toMatch(/cancelled/i);
  });

  test("a visit on another day (past or future): a clear answer, not a stream", async () => {
    const past = await visit({ dayOffset: -2 });
    const later = await visit({ dayOffset: 2 });
    for (const id of [past, later]) {
      const answer = await openStream(`/check-in/${checkInToken(f.clinic.id, id)}/events`);
      expect(answer.status).toBe(410);
      expect(answer.type).not.toMatch(/event-stream/);
      expect(answer.text).toMatch(/today/i);
    }
  });
});
