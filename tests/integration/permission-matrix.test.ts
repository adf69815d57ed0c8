/**
 * Who may use each panel page, walked from the one table the guard reads (PANEL_ACCESS): for every
 * page, each call below (its loader, or its action with a form) is made as each role of clinic A,
 * which gets the allowed answer if the table lets that role use the page and 403 if not; as each
 * role of clinic B on A's host, and with no session, which are sent to sign in.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { mayUse, PANEL_ACCESS, type PanelPageKey } from "~/modules/clinic/panel-nav";
import { resetQueueHub } from "~/modules/queue/hub.server";
import { REPORT_KEYS } from "~/modules/reports/csv";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import * as panelLayout from "~/routes/panel";
import * as today from "~/routes/panel._index";
import * as account from "~/routes/panel.account";
import * as apiKeys from "~/routes/panel.api-keys";
import * as appointmentPage from "~/routes/panel.appointments.$id";
import * as auditRoute from "~/routes/panel.audit";
import * as auditCsvRoute from "~/routes/panel.audit[.]csv";
import * as book from "~/routes/panel.book";
import * as seriesPage from "~/routes/panel.series";
import * as squeezePage from "~/routes/panel.squeeze";
import * as walkInPage from "~/routes/panel.walk-in";
import * as calendar from "~/routes/panel.calendar";
import * as clinicProfile from "~/routes/panel.clinic";
import * as desk from "~/routes/panel.desk";
import * as documentsPage from "~/routes/panel.documents";
import * as documentFile from "~/routes/panel.documents_.$id";
import * as location from "~/routes/panel.locations.$locationId";
import * as locations from "~/routes/panel.locations._index";
import * as myDay from "~/routes/panel.my-day";
import * as chartRoute from "~/routes/panel.patients.$patientAccountId";
import * as patientList from "~/routes/panel.patients._index";
import * as payouts from "~/routes/panel.payouts";
import * as profile from "~/routes/panel.profile";
import * as queueEvents from "~/routes/panel.queue.events";
import * as queue from "~/routes/panel.queue";
import * as reportCsv from "~/routes/panel.reports.$report";
import * as reportsPage from "~/routes/panel.reports._index";
import * as requests from "~/routes/panel.requests";
import * as schedules from "~/routes/panel.schedules";
import * as editService from "~/routes/panel.services.$id";
import * as servicesIndex from "~/routes/panel.services._index";
import * as newService from "~/routes/panel.services.new";
import * as settings from "~/routes/panel.settings";
import * as staffPage from "~/routes/panel.staff";
import * as timeOff from "~/routes/panel.time-off";
import * as visits from "~/routes/panel.visits";
import * as waitlist from "~/routes/panel.waitlist";
import * as print from "~/routes/panel_.desk.print";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, openStream, PANEL_ROLES, type PanelFixture, type PanelRole, type PanelRoute } from "../support/panel-client";
import { createRecordsFixture, type RecordsFixture } from "../support/records";
import { localInstant } from "../support/scheduling";
import { locationForm, serviceForm } from "../support/panel-forms";

let a: RecordsFixture;
let b: PanelFixture;
let aVisit: string;
let aRoomId: string;
let aKeyId: string;
let docA: string;
let inviteA: string;
let bException: string;
let bRequest: string;

const PDF = "%PDF-1.4\n% test\n";

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createRecordsFixture(), createPanelFixture()]);
  const inFiveDays = localInstant(a.clinic.timeZone, addDays(utcToZoned(new Date(), a.clinic.timeZone).date, 5), "10:00");
  aVisit = (
    await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => bookAppointment(tx, a.clinic, { serviceId: a.serviceId, practitionerId: a.doctorIds[0]!, start: inFiveDays, patient: { patientAccountId: a.patientId }, channel: "staff" }, { type: "staff", id: null }))
  ).id;
  await testDb()
    .forClinic(a.clinic.id)
    .tx(async (tx) => {
      aRoomId = (await tx.room.create({ data: { clinicId: a.clinic.id, locationId: a.locationId, key: "r-1", name: "Room 1", type: "consultation" } })).id;
      docA = (await tx.clinicDocument.create({ data: { clinicId: a.clinic.id, kind: "licence", title: "Licence", fileName: "licence.pdf", contentType: "application/pdf", sizeBytes: PDF.length, data: Buffer.from(PDF) } })).id;
      inviteA = (await tx.staffInvite.create({ data: { clinicId: a.clinic.id, email: `inv-${randomUUID().slice(0, 6)}@example.com`, roles: ["secretary"], tokenHash: "a".repeat(64), expiresAt: new Date(Date.now() + 86_400_000) } })).id;
    });
  aKeyId = (await createApiKey(testDb().forClinic(a.clinic.id), "A's EHR", "cli")).apiKey.id;
  await testDb()
    .forClinic(b.clinic.id)
    .tx(async (tx) => {
      bException = (await tx.scheduleException.create({ data: { clinicId: b.clinic.id, kind: "closure", startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 2 * 86_400_000), reason: "Holiday" } })).id;
      bRequest = (await tx.timeOffRequest.create({ data: { clinicId: b.clinic.id, doctorId: b.doctorIds[0]!, kind: "training", startsAt: new Date(Date.now() + 3 * 86_400_000), endsAt: new Date(Date.now() + 4 * 86_400_000) } })).id;
    });
});
afterAll(async () => {
  await resetQueueHub();
  await releaseAppDb();
});

interface Case {
  /** What the call does, for the test's name. */
  name: string;
  route: PanelRoute;
  path: () => string;
  params?: () => Record<string, string>;
  /** A form for the action, harmless enough that every role may send it in turn. */
  form?: () => Record<string, string | string[]>;
  /** What a role the table allows gets: 200 unless the action answers otherwise (a field message, a redirect, an id not found). */
  allowed?: number | Partial<Record<PanelRole, number>>;
  /** An event stream: opened and closed at once. */
  stream?: boolean;
}

const RANGE = "from=2026-10-01&to=2026-10-31";
const chart = { route: chartRoute, path: () => `/panel/patients/${a.mine}`, params: () => ({ patientAccountId: a.mine }) };
const oneLocation = { route: location, path: () => `/panel/locations/${a.locationId}`, params: () => ({ locationId: a.locationId }) };
const appointment = { route: appointmentPage, path: () => `/panel/appointments/${aVisit}`, params: () => ({ id: aVisit }) };
const week = () => ({ intent: "save-week", doctorId: a.doctorIds[0]!, locationId: a.locationId, replaces: "|", effectiveFrom: "", effectiveTo: "", "day.1.0.start": "09:00", "day.1.0.end": "12:00" });

/** Every page of the table needs its cases here; a page added without them does not compile. */
const cases: Record<PanelPageKey, Case[]> = {
  panel: [{ name: "the panel's frame", route: panelLayout, path: () => "/panel" }],
  today: [{ name: "today", route: today, path: () => "/panel" }],
  desk: [
    { name: "desk board", route: desk, path: () => "/panel/desk" },
    { name: "desk board by room", route: desk, path: () => "/panel/desk?by=room" },
  ],
  "desk.print": [{ name: "print day list", route: print, path: () => "/panel/desk/print" }],
  queue: [{ name: "post to the queue (no visit chosen)", route: queue, path: () => "/panel/queue", form: () => ({ intent: "check-in", appointmentId: "nope" }), allowed: 400 }],
  "queue.read": [{ name: "the queue", route: queue, path: () => "/panel/queue" }],
  "queue.events": [{ name: "the queue's event stream", route: queueEvents, path: () => `/panel/queue/events?location=${a.locationId}`, stream: true }],
  "my-day": [
    { name: "my day", route: myDay, path: () => "/panel/my-day" },
    { name: "start a visit that does not exist", route: myDay, path: () => "/panel/my-day", form: () => ({ intent: "start", appointmentId: randomUUID() }), allowed: 404 },
    // Nobody waits for the doctor here, so calling the next patient is refused with a message.
    { name: "call next", route: myDay, path: () => "/panel/my-day", form: () => ({ intent: "call-next", roomId: aRoomId }), allowed: 422 },
  ],
  calendar: [
    { name: "calendar day", route: calendar, path: () => "/panel/calendar" },
    { name: "calendar week by room", route: calendar, path: () => "/panel/calendar?view=week&by=room" },
  ],
  book: [
    { name: "book by phone", route: book, path: () => "/panel/book?q=Pat" },
    { name: "book by phone, chosen patient", route: book, path: () => `/panel/book?patient=${a.patientId}&service=${a.serviceId}` },
    { name: "book: add a patient", route: book, path: () => "/panel/book", form: () => ({ intent: "create-patient", phone: "", firstName: "", lastName: "" }), allowed: 400 },
    { name: "book: book a time", route: book, path: () => "/panel/book", form: () => ({ intent: "book", patientId: "nope" }), allowed: 400 },
    { name: "book a series", route: seriesPage, path: () => `/panel/series?patient=${a.patientId}` },
    { name: "book a series: save (no pattern)", route: seriesPage, path: () => "/panel/series", form: () => ({ intent: "save", patient: "nope" }), allowed: 400 },
    { name: "walk-in", route: walkInPage, path: () => `/panel/walk-in?patient=${a.patientId}&service=${a.serviceId}` },
    { name: "walk-in: book (no patient)", route: walkInPage, path: () => "/panel/walk-in", form: () => ({ intent: "walk-in", patientId: "nope" }), allowed: 422 },
    // Outside the schedule: the owner only, unless the owner allows secretaries (the clinic's setting).
    { name: "squeeze a visit in", route: squeezePage, path: () => "/panel/squeeze", allowed: { owner: 200, secretary: 403 } },
  ],
  requests: [
    { name: "requests", route: requests, path: () => "/panel/requests" },
    { name: "requests: answer", route: requests, path: () => "/panel/requests", form: () => ({ intent: "decline", appointmentId: "nope" }), allowed: 400 },
  ],
  waitlist: [
    { name: "waitlist", route: waitlist, path: () => "/panel/waitlist" },
    { name: "waitlist: offer", route: waitlist, path: () => "/panel/waitlist", form: () => ({ intent: "offer", requestId: "nope" }), allowed: 400 },
  ],
  visits: [{ name: "visits", route: visits, path: () => "/panel/visits" }],
  appointment: [
    { name: "appointment page", ...appointment },
    { name: "appointment: act", ...appointment, form: () => ({ intent: "cancel", reason: "bogus" }), allowed: 400 },
  ],
  patients: [
    { name: "patient list", route: patientList, path: () => "/panel/patients" },
    { name: "a patient's record", ...chart },
  ],
  "patients.chart": [{ name: "add a note to the chart", ...chart, form: () => ({ intent: "add-note", body: "Knee pain after running; rest and ice.", appointmentId: "" }) }],
  clinic: [
    { name: "clinic profile page", route: clinicProfile, path: () => "/panel/clinic" },
    {
      name: "save the profile",
      route: clinicProfile,
      path: () => "/panel/clinic",
      form: () => ({ intent: "profile", name: "Clinic A", tagline: "Care", description: "", contactPhone: "", contactEmail: "", website: "", colorPrimary: "#1d4ed8", colorAccent: "#f59e0b" }),
    },
    { name: "upload a logo (none chosen)", route: clinicProfile, path: () => "/panel/clinic", form: () => ({ intent: "logo" }), allowed: 422 },
    { name: "remove the logo", route: clinicProfile, path: () => "/panel/clinic", form: () => ({ intent: "remove-logo" }) },
  ],
  locations: [
    { name: "locations page", route: locations, path: () => "/panel/locations" },
    { name: "add a location", route: locations, path: () => "/panel/locations", form: () => ({ intent: "create-location", ...locationForm("Uptown") }), allowed: 302 },
    { name: "one location", ...oneLocation },
    { name: "edit the location", ...oneLocation, form: () => ({ intent: "update-location", ...locationForm("Main site") }) },
    { name: "add a room", ...oneLocation, form: () => ({ intent: "add-room", roomName: "Therapy 2", roomType: "therapy" }) },
    { name: "edit a room", ...oneLocation, form: () => ({ intent: "update-room", roomId: aRoomId, roomName: "Room One", roomType: "consultation", active: "on" }) },
  ],
  services: [
    { name: "services", route: servicesIndex, path: () => "/panel/services" },
    { name: "new service page", route: newService, path: () => "/panel/services/new" },
    { name: "one service", route: editService, path: () => `/panel/services/${a.serviceId}`, params: () => ({ id: a.serviceId }) },
    { name: "create a service", route: newService, path: () => "/panel/services/new", form: () => serviceForm(a), allowed: 302 },
    { name: "change a service", route: editService, path: () => `/panel/services/${a.serviceId}`, params: () => ({ id: a.serviceId }), form: () => serviceForm(a) },
  ],
  schedules: [
    { name: "schedules", route: schedules, path: () => "/panel/schedules" },
    // B's exception is not found here, even for A's owner.
    { name: "remove an exception", route: schedules, path: () => "/panel/schedules", form: () => ({ intent: "remove-exception", exceptionId: bException }), allowed: 404 },
    { name: "save a week", route: schedules, path: () => "/panel/schedules", form: week },
  ],
  staff: [
    { name: "staff page", route: staffPage, path: () => "/panel/staff" },
    { name: "invite", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "invite", email: `p-${randomUUID().slice(0, 6)}@example.com`, roles: ["secretary"] }) },
    { name: "re-send an invitation", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "resend-invite", inviteId: inviteA }) },
    { name: "cancel an invitation", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "cancel-invite", inviteId: randomUUID() }), allowed: 422 },
    { name: "set roles", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "set-roles", staffUserId: a.staff.secretary, roles: ["secretary"] }) },
    { name: "set doctor details", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "set-doctor", staffUserId: a.staff.otherDoctor, specialty: "Family medicine", workStatus: "active" }) },
    { name: "deactivate", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "deactivate", staffUserId: randomUUID() }), allowed: 422 },
    { name: "reactivate", route: staffPage, path: () => "/panel/staff", form: () => ({ intent: "reactivate", staffUserId: a.staff.secretary, roles: ["secretary"] }) },
  ],
  settings: [
    { name: "settings page", route: settings, path: () => "/panel/settings?kind=reminder&channel=email" },
    { name: "save the cancellation window", route: settings, path: () => "/panel/settings", form: () => ({ intent: "cancellation", hours: "24", applyToServices: "on" }) },
    { name: "save reminders", route: settings, path: () => "/panel/settings", form: () => ({ intent: "reminders", offsetValue: ["1", "2"], offsetUnit: ["days", "hours"], quietHoursStart: "21:00", quietHoursEnd: "08:00" }) },
    { name: "save a template", route: settings, path: () => "/panel/settings", form: () => ({ intent: "save-template", kind: "reminder", channel: "sms", body: "See you {{date}} at {{time}}, {{clinicName}}" }) },
    { name: "reset a template", route: settings, path: () => "/panel/settings", form: () => ({ intent: "reset-template", kind: "reminder", channel: "sms" }) },
  ],
  documents: [
    { name: "documents page", route: documentsPage, path: () => "/panel/documents" },
    { name: "upload without a file", route: documentsPage, path: () => "/panel/documents", form: () => ({ intent: "upload", kind: "licence" }), allowed: 422 },
    { name: "delete a document", route: documentsPage, path: () => "/panel/documents", form: () => ({ intent: "delete", documentId: randomUUID() }), allowed: 404 },
    { name: "a document's file", route: documentFile, path: () => `/panel/documents/${docA}`, params: () => ({ id: docA }) },
  ],
  payouts: [{ name: "payouts", route: payouts, path: () => "/panel/payouts" }],
  "api-keys": [
    { name: "API keys page", route: apiKeys, path: () => "/panel/api-keys" },
    { name: "create an API key", route: apiKeys, path: () => "/panel/api-keys", form: () => ({ intent: "create", name: "Booking widget" }) },
    { name: "revoke an API key", route: apiKeys, path: () => "/panel/api-keys", form: () => ({ intent: "revoke", apiKeyId: aKeyId }) },
  ],
  reports: [
    { name: "the reports page", route: reportsPage, path: () => `/panel/reports?${RANGE}` },
    ...REPORT_KEYS.map((key) => ({ name: `${key}.csv`, route: reportCsv, path: () => `/panel/reports/${key}.csv?${RANGE}`, params: () => ({ report: `${key}.csv` }) })),
  ],
  audit: [
    { name: "audit log", route: auditRoute, path: () => "/panel/audit" },
    { name: "audit log CSV", route: auditCsvRoute, path: () => "/panel/audit.csv" },
  ],
  "time-off": [
    { name: "time off", route: timeOff, path: () => "/panel/time-off" },
    // Deciding is the owner's alone, inside the page doctors may use; B's request is not found here.
    { name: "approve another clinic's request", route: timeOff, path: () => "/panel/time-off", form: () => ({ intent: "approve", requestId: bRequest }), allowed: { owner: 404, doctor: 403 } },
  ],
  profile: [{ name: "my profile", route: profile, path: () => "/panel/profile" }],
  account: [{ name: "my account", route: account, path: () => "/panel/account" }],
};

const matrix = (Object.keys(cases) as PanelPageKey[]).flatMap((key) => cases[key].map((c) => ({ key, ...c })));

it("every page of the table has at least one case", () => {
  for (const key of Object.keys(PANEL_ACCESS) as PanelPageKey[]) expect(cases[key]?.length ?? 0, key).toBeGreaterThan(0);
});

describe.each(matrix)("$key: $name", (c) => {
  const call = async (cookie: string | null) => {
    if (c.stream) return openStream(c.route, c.path(), { host: a.host, cookie, params: c.params?.() });
    return callPanel(c.route, c.path(), { host: a.host, cookie, params: c.params?.(), form: c.form?.() });
  };
  const allowedFor = (role: PanelRole) => (typeof c.allowed === "number" ? c.allowed : (c.allowed?.[role] ?? 200));

  it.each(PANEL_ROLES)("a %s of the clinic gets what the table allows", async (role) => {
    const answer = await call(a.cookies[role]);
    const may = mayUse(c.key, [role]);
    expect(answer.status).toBe(may ? allowedFor(role) : 403);
    if (may && c.stream) expect((answer as { type: string }).type).toMatch(/^text\/event-stream/);
  });

  it.each(PANEL_ROLES)("a %s of another clinic is sent to sign in", async (role) => {
    const answer = await call(b.cookies[role]);
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/staff\/sign-in/);
  });

  it("no session → sign in", async () => {
    const answer = await call(null);
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/staff\/sign-in/);
  });
});
