/**
 * The audit log's patient filter is a search (a name or phone finds a few of this clinic's
 * patients to pick), never a list of everyone; each entry says what it touched in words ("Visit
 * NOR-7K4QX, Ava Private, Tue 8 Dec 09:30"), the names read once per page.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import * as auditPage from "~/routes/panel.audit";
import { recordAudit } from "~/modules/audit/audit.server";
import { formatBookingCode } from "~/lib/booking-code";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel } from "../support/panel-client";
import { addVisit, createRecordsFixture, type RecordsFixture } from "../support/records";

let f: RecordsFixture;
let other: RecordsFixture;
let visitId: string;
beforeAll(async () => {
  routeDbIsTestDb();
  [f, other] = await Promise.all([createRecordsFixture(), createRecordsFixture()]);
  // Thirty more patients, so a list of everyone would show itself; and a namesake at another clinic.
  for (let i = 0; i < 30; i++) await f.newPatient();
  await testDb()
    .forClinic(other.clinic.id)
    .tx((tx) => tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: other.clinic.id, patientAccountId: other.mine } }, data: { firstName: "Maya", lastName: "Riverside" } }));
  // Tue 8 Dec 2026 09:30 in the fixture's zone.
  visitId = await addVisit(f, { doctorId: f.doctorIds[0]!, patientAccountId: f.mine, status: "confirmed", startsAt: new Date("2026-12-08T14:30:00Z") });
  await testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      const actor = { type: "staff" as const, id: f.staff.secretary };
      await recordAudit(tx, { clinicId: f.clinic.id, actor, action: "appointment.viewed", target: { type: "appointment", id: visitId }, request: null });
      await recordAudit(tx, { clinicId: f.clinic.id, actor, action: "patient.record_viewed", target: { type: "patient", id: f.mine }, request: null });
      await recordAudit(tx, { clinicId: f.clinic.id, actor, action: "staff.day_board_viewed", target: { type: "day", id: "2026-12-08" }, request: null });
      await recordAudit(tx, { clinicId: f.clinic.id, actor, action: "location.updated", target: { type: "location", id: f.locationId }, request: null });
    });
});
afterAll(releaseAppDb);

type Page = { rows: { action: string; targetWords: string | null; patientName: string | null }[]; patientMatches: { id: string; name: string; href: string }[]; chosenPatient: { id: string; name: string } | null; patientQueryError: string | null } & Record<string, unknown>;
const open = (query = "", who: "owner" | "secretary" = "owner") => callPanel<Page>(auditPage, `/panel/audit${query}`, { host: f.host, cookie: f.cookies[who] });

test("the page carries no list of every patient; a typed name or phone finds this clinic's patients only", async () => {
  const plain = await open();
  expect(plain.status).toBe(200);
  expect(plain.data).not.toHaveProperty("patients");
  expect(plain.data.patientMatches).toEqual([]);

  const byName = await open("?patientQuery=maya%20riv");
  expect(byName.data.patientMatches.map((m) => m.id)).toEqual([f.mine]);
  expect(byName.data.patientMatches[0]!.href).toBe(`?patient=${f.mine}`);

  const phone = await testDb().forClinic(f.clinic.id).tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: f.mine }, select: { phone: true } }));
  const byPhone = await open(`?kind=views&patientQuery=${encodeURIComponent(phone.phone.slice(-6))}`);
  expect(byPhone.data.patientMatches.map((m) => m.id)).toContain(f.mine);
  expect(byPhone.data.patientMatches[0]!.href).toMatch(/^\?kind=views&patient=/);

  expect((await open("?patientQuery=a")).data.patientQueryError).toMatch(/at least 2/);
  expect((await open(`?patientQuery=${"x".repeat(81)}`)).data.patientQueryError).toBeTruthy();
});

test("picking a patient filters the log and names them; another clinic's patient id picks no one", async () => {
  const chosen = await open(`?patient=${f.mine}`);
  expect(chosen.data.chosenPatient).toMatchObject({ id: f.mine, name: "Maya Rivera" });
  expect(chosen.data.rows.length).toBeGreaterThan(0);
  expect(chosen.data.rows.every((r) => r.patientName === "Maya Rivera")).toBe(true);
  const foreign = await open(`?patient=${other.mine}`);
  expect(foreign.status).toBe(200);
  expect(foreign.data.chosenPatient).toBeNull();
  expect(foreign.data.rows).toEqual([]);
});

test("each entry says what it touched, in words", async () => {
  const code = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: visitId } }, select: { bookingCode: true } }));
  const { rows } = (await open()).data;
  const words = (action: string) => rows.find((r) => r.action === action)?.targetWords;
  const local = new Intl.DateTimeFormat("en-GB", { timeZone: f.clinic.timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date("2026-12-08T14:30:00Z"));
  const part = (t: string) => local.find((p) => p.type === t)!.value;
  expect(words("appointment.viewed")).toBe(`Visit ${formatBookingCode(f.clinic.slug, code.bookingCode)}, Maya Rivera, ${part("weekday")} ${part("day")} ${part("month")} ${part("hour")}:${part("minute")}`);
  expect(words("patient.record_viewed")).toBe("Record of Maya Rivera");
  expect(words("staff.day_board_viewed")).toBe("Day list of Tue 8 Dec 2026");
  expect(words("location.updated")).toMatch(/^Location: .+/);
  for (const r of rows) expect(r.targetWords ?? "").not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
});

test("the desk cannot open the log", async () => {
  expect((await open("?patientQuery=maya", "secretary")).status).toBe(403);
});
