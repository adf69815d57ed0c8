/**
 * Patient records on the real database: chart notes are versioned and lock (in the domain and in
 * the database's own trigger), every view writes its audit row, the audit log's filters and CSV
 * agree with a hand-counted fixed dataset across a daylight-saving change, and keyset pages never
 * skip or repeat an entry, even while new entries arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "~/modules/audit/audit.server";
import { recordAccessFor } from "~/modules/records/access.server";
import { auditCsv, auditLogPage, auditLogRows, csvCell } from "~/modules/records/audit-log.server";
import { patientCarePlan } from "~/modules/records/care-plan.server";
import { changeChart, chartOf, type ChartForm } from "~/modules/records/chart.server";
import { listPatients, viewRecord } from "~/modules/records/record.server";
import { testDb } from "../support/db";
import { createOperator, createRecordsFixture, type RecordsFixture } from "../support/records";
import { localInstant } from "../support/scheduling";

let f: RecordsFixture;
let doctorMembership: string;
let otherMembership: string;
const request = { ip: "198.51.100.7", userAgent: "Records test browser", requestId: "req-1" };

beforeAll(async () => {
  f = await createRecordsFixture();
  doctorMembership = f.doctorIds[0]!;
  otherMembership = f.doctorIds[1]!;
});
afterAll(() => testDb().disconnect());

const ref = () => ({ patientAccountId: f.mine, dependentId: null });
const as = (staffUserId: string, membership: string) => ({ staffUserId, doctorMembershipId: membership, audit: { actor: { type: "staff" as const, id: staffUserId }, request } });
const change = (form: ChartForm, now: Date, who = as(f.staff.doctor, doctorMembership)) => testDb().forClinic(f.clinic.id).tx((tx) => changeChart(tx, f.clinic, ref(), form, who, now));
const chart = (now: Date) => testDb().forClinic(f.clinic.id).tx((tx) => chartOf(tx, f.clinic, ref(), f.staff.doctor, now));
const rawSql = (text: string) => testDb().forClinic(f.clinic.id).tx((tx) => tx.$executeRawUnsafe(text));

describe("chart notes", () => {
  const t0 = new Date("2026-03-08T06:30:00Z");
  let noteId: string;

  it("are amended by a new version; every version stays readable", async () => {
    expect(await change({ intent: "add-note", body: "Sprained left ankle.", appointmentId: f.visits.mine }, t0)).toMatchObject({ ok: true });
    noteId = (await chart(t0)).notes[0]!.noteId;
    expect(await change({ intent: "amend-note", noteId, expectedVersion: 1, body: "Sprained right ankle.", amendReason: "Wrong side" }, new Date(t0.getTime() + 3600_000))).toMatchObject({ ok: true });
    const [note] = (await chart(new Date(t0.getTime() + 3600_000))).notes;
    expect(note!.current).toMatchObject({ version: 2, body: "Sprained right ankle.", amendReason: "Wrong side" });
    expect(note!.history.map((v) => [v.version, v.body])).toEqual([[1, "Sprained left ankle."]]);
    expect(note!.appointmentId).toBe(f.visits.mine);
    expect(note!.canChange).toBe(true);
  });

  it("refuse a stale amendment and another doctor's", async () => {
    const at = new Date(t0.getTime() + 2 * 3600_000);
    expect(await change({ intent: "amend-note", noteId, expectedVersion: 1, body: "x", amendReason: "late" }, at)).toMatchObject({ ok: false, message: expect.stringMatching(/amended meanwhile/) });
    expect(await change({ intent: "amend-note", noteId, expectedVersion: 2, body: "x", amendReason: "mine now" }, at, as(f.staff.otherDoctor, otherMembership))).toMatchObject({ ok: false, message: expect.stringMatching(/Only the doctor/) });
    expect(await change({ intent: "sign-note", noteId }, at, as(f.staff.otherDoctor, otherMembership))).toMatchObject({ ok: false });
  });

  it("of two simultaneous amendments of one version, exactly one is saved", async () => {
    const at = new Date(t0.getTime() + 3 * 3600_000);
    const answers = await Promise.all([1, 2, 3].map((n) => change({ intent: "amend-note", noteId, expectedVersion: 2, body: `Version from tab ${n}`, amendReason: "Racing tabs" }, at)));
    expect(answers.filter((x) => x.ok)).toHaveLength(1);
    expect((await chart(at)).notes[0]!.current.version).toBe(3);
  });

  it("lock 24 hours after the first version, in the domain and in the database", async () => {
    const justBefore = new Date(t0.getTime() + 24 * 3600_000 - 1);
    const at = new Date(t0.getTime() + 24 * 3600_000);
    expect((await chart(justBefore)).notes[0]!.locked).toBe(false);
    expect((await chart(at)).notes[0]).toMatchObject({ locked: true, lockedWords: "Locked after 24 hours", canChange: false });
    expect(await change({ intent: "amend-note", noteId, expectedVersion: 3, body: "After the lock", amendReason: "Too late" }, at)).toMatchObject({ ok: false, message: expect.stringMatching(/locked 24 hours/) });
    await expect(
      rawSql(`INSERT INTO chart_notes (clinic_id, note_id, version, patient_account_id, author_membership_id, author_staff_user_id, body, amend_reason, created_at)
              VALUES ('${f.clinic.id}', '${noteId}', 4, '${f.mine}', '${doctorMembership}', '${f.staff.doctor}', 'sneaky', 'sneaky', '${at.toISOString()}')`),
    ).rejects.toThrow(/locked/);
  });

  it("lock at once when signed; a stored version never changes and is never deleted", async () => {
    const t1 = new Date("2026-04-01T12:00:00Z");
    await change({ intent: "add-note", body: "Follow-up in two weeks." }, t1);
    const fresh = (await chart(t1)).notes.find((n) => n.current.body === "Follow-up in two weeks.")!;
    expect(fresh.appointmentId).toBeNull();
    expect(await change({ intent: "sign-note", noteId: fresh.noteId }, new Date(t1.getTime() + 60_000))).toMatchObject({ ok: true });
    expect(await change({ intent: "amend-note", noteId: fresh.noteId, expectedVersion: 1, body: "Changed", amendReason: "after signing" }, new Date(t1.getTime() + 120_000))).toMatchObject({ ok: false, message: expect.stringMatching(/signed and locked/) });
    expect((await chart(t1)).notes.find((n) => n.noteId === fresh.noteId)).toMatchObject({ locked: true, lockedWords: "Signed and locked" });
    await expect(rawSql(`UPDATE chart_notes SET body = 'edited' WHERE clinic_id = '${f.clinic.id}' AND note_id = '${fresh.noteId}'`)).rejects.toThrow(/cannot be changed/);
    await expect(rawSql(`UPDATE chart_notes SET signed_at = NULL WHERE clinic_id = '${f.clinic.id}' AND note_id = '${fresh.noteId}'`)).rejects.toThrow(/cannot be changed/);
    await expect(rawSql(`DELETE FROM chart_notes WHERE clinic_id = '${f.clinic.id}' AND note_id = '${fresh.noteId}'`)).rejects.toThrow(/permission denied|never deleted/);
    await expect(
      rawSql(`INSERT INTO chart_notes (clinic_id, note_id, version, patient_account_id, author_membership_id, author_staff_user_id, body, amend_reason, created_at)
              VALUES ('${f.clinic.id}', '${fresh.noteId}', 2, '${f.mine}', '${doctorMembership}', '${f.staff.doctor}', 'sneaky', 'sneaky', '${t1.toISOString()}')`),
    ).rejects.toThrow(/locked/);
  });

  it("each change is audited with its note", async () => {
    const rows = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: { startsWith: "chart.note_" } }, orderBy: { occurredAt: "asc" } }));
    expect(rows.map((r) => r.action)).toEqual(["chart.note_added", "chart.note_amended", "chart.note_amended", "chart.note_added", "chart.note_signed"]);
    expect(rows.every((r) => r.actorId === f.staff.doctor && r.ip === "198.51.100.7" && r.targetId === f.mine)).toBe(true);
  });
});

describe("views are audited", () => {
  it("the list, the record, the chart and the patient's care plan each write a row in the same transaction", async () => {
    const since = new Date();
    const db = testDb().forClinic(f.clinic.id);
    const audit = (id: string) => ({ actor: { type: "staff" as const, id }, request });
    await db.tx((tx) => listPatients(tx, f.clinic, { staffUserId: f.staff.secretary, roles: ["secretary"] }, "rivera", audit(f.staff.secretary)));
    await db.tx(async (tx) => {
      const access = await recordAccessFor(tx, f.clinic.id, { staffUserId: f.staff.secretary, roles: ["secretary"] }, ref());
      return viewRecord(tx, f.clinic, ref(), { staffUserId: f.staff.secretary, roles: ["secretary"], clinical: access.clinical }, audit(f.staff.secretary));
    });
    const page = await db.tx(async (tx) => {
      const access = await recordAccessFor(tx, f.clinic.id, { staffUserId: f.staff.doctor, roles: ["doctor"] }, ref());
      return viewRecord(tx, f.clinic, ref(), { staffUserId: f.staff.doctor, roles: ["doctor"], clinical: access.clinical }, audit(f.staff.doctor));
    });
    expect(page.chart?.notes.length).toBeGreaterThan(0);
    expect(page.record.timeline[0]!.events.map((e) => e.words)).toEqual(["Confirmed by staff"]);
    await patientCarePlan(testDb().forClinic(f.clinic.id), f.clinic, f.mine, request);
    const rows = await db.tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, occurredAt: { gte: since } }, orderBy: [{ occurredAt: "asc" }, { action: "asc" }] }));
    const key = (x: string[]) => x.join(" ");
    expect(rows.map((r) => key([r.action, r.actorType, r.actorId ?? ""])).sort()).toEqual(
      [
        ["patient.list_viewed", "staff", f.staff.secretary],
        ["patient.record_viewed", "staff", f.staff.secretary],
        ["patient.record_viewed", "staff", f.staff.doctor],
        ["chart.viewed", "staff", f.staff.doctor],
        ["patient.care_plan_viewed", "patient", f.mine],
      ]
        .map(key)
        .sort(),
    );
    expect(rows.every((r) => r.ip === "198.51.100.7" && r.userAgent === "Records test browser")).toBe(true);
  });
});

describe("the audit log on a fixed dataset", () => {
  const tz = "America/New_York";
  let alice: string;
  let bob: string;
  let olive: string;
  const insert = (rows: { at: Date; actorType: string; actorId: string; action: string; target?: string; details?: Record<string, unknown>; ua?: string }[]) =>
    testDb()
      .forClinic(f.clinic.id)
      .tx(async (tx) => {
        for (const r of rows)
          await tx.auditEvent.create({
            data: { clinicId: f.clinic.id, occurredAt: r.at, actorType: r.actorType, actorId: r.actorId, action: r.action, targetType: r.target ? "patient" : null, targetId: r.target ?? null, ip: "192.0.2.1", userAgent: r.ua ?? "Fixture UA", details: (r.details ?? {}) as object },
          });
      });

  beforeAll(async () => {
    alice = f.staff.owner;
    bob = f.staff.secretary;
    olive = (await createOperator()).staffUserId;
    // 8 March 2026: clocks in New York go from 02:00 EST to 03:00 EDT.
    await insert([
      { at: localInstant(tz, "2026-03-07", "23:30"), actorType: "staff", actorId: alice, action: "patient.record_viewed", target: f.mine },
      { at: localInstant(tz, "2026-03-08", "01:30"), actorType: "staff", actorId: alice, action: "chart.viewed", target: f.mine },
      { at: localInstant(tz, "2026-03-08", "03:30"), actorType: "staff", actorId: bob, action: "chart.note_added", target: f.mine },
      { at: localInstant(tz, "2026-03-08", "23:59"), actorType: "staff", actorId: bob, action: "staff.signed_in" },
      { at: localInstant(tz, "2026-03-09", "00:00"), actorType: "operator", actorId: olive, action: "break_glass.record_viewed", target: f.mine, details: { reason: "Ticket 77: missing visit" } },
      { at: localInstant(tz, "2026-03-09", "10:00"), actorType: "staff", actorId: alice, action: "treatment_plan.updated", target: f.theirs, ua: "=HYPERLINK(\"http://evil\")" },
    ]);
  });

  const range = { from: "2026-03-07", to: "2026-03-09" };
  const actions = async (filter: Parameters<typeof auditLogPage>[2]) =>
    (await testDb().forClinic(f.clinic.id).tx((tx) => auditLogPage(tx, f.clinic, filter))).rows.map((r) => r.action);

  it("filter by the clinic's days across the daylight-saving change", async () => {
    expect(await actions({ from: "2026-03-08", to: "2026-03-08" })).toEqual(["staff.signed_in", "chart.note_added", "chart.viewed"]);
    expect(await actions({ from: "2026-03-07", to: "2026-03-07" })).toEqual(["patient.record_viewed"]);
    expect(await actions({ from: "2026-03-09", to: "2026-03-09" })).toEqual(["treatment_plan.updated", "break_glass.record_viewed"]);
  });

  it("filter by kind, member of staff and patient", async () => {
    expect(await actions({ ...range, kind: "views" })).toEqual(["chart.viewed", "patient.record_viewed"]);
    expect(await actions({ ...range, kind: "changes" })).toEqual(["treatment_plan.updated", "chart.note_added"]);
    expect(await actions({ ...range, kind: "sign_ins" })).toEqual(["staff.signed_in"]);
    expect(await actions({ ...range, kind: "break_glass" })).toEqual(["break_glass.record_viewed"]);
    expect(await actions({ ...range, actor: alice })).toEqual(["treatment_plan.updated", "chart.viewed", "patient.record_viewed"]);
    expect(await actions({ ...range, patient: f.mine })).toEqual(["break_glass.record_viewed", "chart.note_added", "chart.viewed", "patient.record_viewed"]);
    expect(await actions({ ...range, patient: f.mine, actor: bob })).toEqual(["chart.note_added"]);
  });

  it("resolve names and mark break-the-glass rows", async () => {
    const { rows } = await testDb().forClinic(f.clinic.id).tx((tx) => auditLogPage(tx, f.clinic, range));
    const glass = rows.find((r) => r.action === "break_glass.record_viewed")!;
    expect(glass).toMatchObject({ breakGlass: true, actorName: "Olive Operator (Medslot operator)", patientName: "Maya Rivera", reason: "Ticket 77: missing visit" });
    expect(rows.find((r) => r.action === "treatment_plan.updated")).toMatchObject({ actorName: "Owner Person", patientName: "Omar Haddad", breakGlass: false });
  });

  it("CSV has one line per row with the same figures, and spreadsheet formulas neutralised", async () => {
    const rows = await testDb().forClinic(f.clinic.id).tx((tx) => auditLogRows(tx, f.clinic, range));
    const csv = auditCsv(rows);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 6);
    expect(lines[0]).toMatch(/^Time \(UTC\),Time \(clinic\),Kind,Who/);
    expect(lines.filter((l) => l.includes(",yes,"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("Maya Rivera"))).toHaveLength(4);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[lines.length - 1]).toContain(localInstant(tz, "2026-03-07", "23:30").toISOString());
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("+1 555")).toBe("'+1 555");
    const patientOnly = auditCsv(await testDb().forClinic(f.clinic.id).tx((tx) => auditLogRows(tx, f.clinic, { ...range, patient: f.mine })));
    expect(patientOnly.trimEnd().split("\r\n")).toHaveLength(1 + 4);
  });
});

describe("keyset pagination", () => {
  it("walks every entry once, newest first, even with equal timestamps and new entries arriving", async () => {
    const clinicDb = testDb().forClinic(f.clinic.id);
    const base = new Date("2025-06-01T12:00:00Z");
    await clinicDb.tx(async (tx) => {
      for (let i = 0; i < 23; i++) {
        // Five entries share each of the first timestamps: only the id breaks the tie.
        const at = new Date(base.getTime() + Math.floor(i / 5) * 60_000);
        await tx.auditEvent.create({ data: { clinicId: f.clinic.id, occurredAt: at, actorType: "staff", actorId: f.staff.owner, action: "patient.record_viewed", targetType: "patient", targetId: f.mine, details: { n: i } } });
      }
    });
    const filter = { from: "2025-06-01", to: "2025-06-01" };
    const seen: { id: string; at: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await clinicDb.tx((tx) => auditLogPage(tx, f.clinic, { ...filter, cursor }, 4));
      seen.push(...page.rows.map((r) => ({ id: r.id, at: r.occurredAtIso })));
      cursor = page.nextCursor ?? undefined;
      pages++;
      // A new entry lands between pages (on the same day, at the newest time): it must not shift later pages.
      if (pages === 2) await clinicDb.tx((tx) => recordAudit(tx, { clinicId: f.clinic.id, actor: { type: "staff", id: f.staff.owner }, action: "chart.viewed", target: { type: "patient", id: f.mine } }));
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((s) => s.id)).size).toBe(23);
    const sorted = [...seen].sort((x, y) => (x.at === y.at ? (x.id < y.id ? 1 : -1) : x.at < y.at ? 1 : -1));
    expect(seen).toEqual(sorted);
    // A cursor that is not one of ours starts again at the first page rather than failing.
    const garbage = await clinicDb.tx((tx) => auditLogPage(tx, f.clinic, { ...filter, cursor: "not-a-cursor" }, 4));
    expect(garbage.rows.map((r) => r.id)).toEqual(seen.slice(0, 4).map((s) => s.id));
  });

  it("the page query uses the clinic's (occurred_at, id) index", async () => {
    const plan = await testDb()
      .forClinic(f.clinic.id)
      .tx(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN SELECT id FROM audit_events e WHERE e.clinic_id = '${f.clinic.id}' AND (e.occurred_at, e.id) < ('2025-06-01T12:03:00Z', '00000000-0000-4000-8000-000000000000') ORDER BY e.occurred_at DESC, e.id DESC LIMIT 51`,
        );
      });
    expect(plan.map((p) => p["QUERY PLAN"]).join("\n")).toMatch(/audit_events_clinic_id_occurred_at_id_idx/);
  });
});
