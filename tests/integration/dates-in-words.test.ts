/**
 * Dates on the panel read as words: a patient's record says "born 2 Dec 1968, 58" (the age on the
 * clinic's today), and the requests inbox says "by 15 January" for a flexible request's last date,
 * never "1968-12-02" or "2027-01-15".
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import * as record from "~/routes/panel.patients.$patientAccountId";
import * as requests from "~/routes/panel.requests";
import { ageOn } from "~/lib/format";
import { utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel } from "../support/panel-client";
import { createRecordsFixture, type RecordsFixture } from "../support/records";

let f: RecordsFixture;
beforeAll(async () => {
  routeDbIsTestDb();
  f = await createRecordsFixture();
  await testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      await tx.patientAccount.update({ where: { id: f.mine }, data: { dateOfBirth: new Date("1968-12-02T00:00:00Z") } });
      await tx.flexibleRequest.create({ data: { clinicId: f.clinic.id, patientAccountId: f.mine, serviceId: f.serviceId, latestDate: new Date("2099-01-15T00:00:00Z") } });
    });
});
afterAll(releaseAppDb);

test("the record says born 2 Dec 1968 with the age, for the desk and for the doctor", async () => {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  for (const who of ["secretary", "doctor"] as const) {
    const page = await callPanel<{ record: { dateOfBirthText: string | null } }>(record, `/panel/patients/${f.mine}`, { host: f.host, cookie: f.cookies[who], params: { patientAccountId: f.mine } });
    expect(page.status).toBe(200);
    expect(page.data.record.dateOfBirthText).toBe(`2 Dec 1968, ${ageOn("1968-12-02", today)}`);
  }
});

test("the requests inbox says by 15 January for a request's last date", async () => {
  const page = await callPanel<{ flexible: { dates: string }[] }>(requests, "/panel/requests", { host: f.host, cookie: f.cookies.secretary });
  expect(page.status).toBe(200);
  expect(page.data.flexible.map((r) => r.dates)).toContain("by 15 January");
  expect(JSON.stringify(page.data.flexible.map((r) => r.dates))).not.toMatch(/\d{4}-\d{2}-\d{2}/);
});
