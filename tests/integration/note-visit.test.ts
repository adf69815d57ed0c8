/**
 * A new chart note defaults to the visit being seen: the doctor's own visit under way today, not
 * another doctor's future visit that tops the patient's timeline; a link from the doctor's day
 * names the visit; the desk, who sees no chart, gets no default.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import * as record from "~/routes/panel.patients.$patientAccountId";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel } from "../support/panel-client";
import { addVisit, createRecordsFixture, type RecordsFixture } from "../support/records";

let f: RecordsFixture;
const ids = { mineNow: "", otherFuture: "" };
beforeAll(async () => {
  routeDbIsTestDb();
  f = await createRecordsFixture();
  const [doctor, other] = f.doctorIds as [string, string];
  ids.otherFuture = await addVisit(f, { doctorId: other, patientAccountId: f.mine, status: "confirmed", startsAt: new Date(Date.now() + 9 * 86_400_000) });
  ids.mineNow = await addVisit(f, { doctorId: doctor, patientAccountId: f.mine, status: "confirmed", startsAt: new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000) });
});
afterAll(releaseAppDb);

const open = (who: "doctor" | "secretary", query = "") =>
  callPanel<{ noteVisitId: string; record: { timeline: { id: string }[] } }>(record, `/panel/patients/${f.mine}${query}`, { host: f.host, cookie: f.cookies[who], params: { patientAccountId: f.mine } });

test("the note form's visit is the doctor's visit being seen, not the other doctor's future visit at the top of the list", async () => {
  const page = await open("doctor");
  expect(page.status).toBe(200);
  expect(page.data.record.timeline[0]!.id).toBe(ids.otherFuture);
  expect(page.data.noteVisitId).toBe(ids.mineNow);
});

test("a link naming the doctor's own earlier visit opens with it; another doctor's visit in the link is ignored", async () => {
  expect((await open("doctor", `?visit=${f.visits.mine}`)).data.noteVisitId).toBe(f.visits.mine);
  expect((await open("doctor", `?visit=${ids.otherFuture}`)).data.noteVisitId).toBe(ids.mineNow);
  expect((await open("doctor", "?visit=not-an-id")).data.noteVisitId).toBe(ids.mineNow);
});

test("the desk sees no chart and gets no default visit", async () => {
  const page = await open("secretary");
  expect(page.status).toBe(200);
  expect(page.data.noteVisitId).toBe("");
});
