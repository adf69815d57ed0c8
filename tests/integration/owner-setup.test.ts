/**
 * The owner's setup, on the real database: logo uploads judged by their bytes and served with
 * correct caching, the colour contrast rule, profile changes reaching the site and the marketplace
 * index at once, opening hours validation, rooms that future visits use, cancellation defaults,
 * reminders, and API keys (revoked → 401, last use shown).
 */
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAccentColour, checkPrimaryColour, checkUploadedLogo, MAX_UPLOADED_LOGO_BYTES } from "~/modules/clinic/branding";
import { updateClinicProfile, uploadClinicLogo } from "~/modules/clinic/clinic-setup.server";
import { clinicDefaultCancellationWindowMin, readCancellationPolicy, saveCancellationPolicy } from "~/modules/clinic/clinic-settings.server";
import { addRoom, createLocation, deleteRoom, listLocationsForSetup, updateLocation, updateRoom } from "~/modules/clinic/locations-setup.server";
import { readMessageSettings } from "~/modules/messaging/settings.server";
import { resolveSite } from "~/modules/tenancy/site.server";
import * as brandLogo from "~/routes/brand.logo";
import * as apiServices from "~/routes/api.v1.services";
import * as apiKeysPage from "~/routes/panel.api-keys";
import * as clinicPage from "~/routes/panel.clinic";
import * as settingsPage from "~/routes/panel.settings";
import { ConflictError, ValidationError } from "~/utils/errors.server";
import { callRoute, releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";

// Real pictures, 1×1 pixel each.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
const JPEG = Buffer.from("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=", "base64");
const WEBP = Buffer.from("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", "base64");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>');

let f: PanelFixture;
const by = () => ({ actor: { type: "staff" as const, id: f.staff.owner }, request: null });
const db = () => testDb();

beforeAll(async () => {
  routeDbIsTestDb();
  f = await createPanelFixture();
});
afterAll(releaseAppDb);

const HOURS = {
  mon: [
    { open: "08:00", close: "12:00" },
    { open: "13:00", close: "18:00" },
  ],
  tue: [{ open: "08:00", close: "18:00" }],
  wed: [],
  thu: [{ open: "20:00", close: "24:00" }],
  fri: [{ open: "00:00", close: "02:00" }],
  sat: [],
  sun: [],
};
const locationInput = (over: Record<string, string> = {}, hours: unknown = HOURS) => ({
  name: "Uptown",
  addressLine1: "10 Main Street",
  addressLine2: "",
  city: "New York",
  region: "NY",
  postalCode: "10027",
  country: "us",
  latitude: "40.81",
  longitude: "-73.95",
  phone: "(212) 555-0142",
  openingHours: JSON.stringify(hours),
  ...over,
});

async function validationOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** The panel's action with a multipart body, as a browser sends a file input. */
async function uploadThroughPage(bytes: Buffer, fileName: string, declaredType: string) {
  const form = new FormData();
  form.set("intent", "logo");
  form.set("logo", new File([new Uint8Array(bytes)], fileName, { type: declaredType }));
  const request = new Request(`http://${f.host}/panel/clinic`, { method: "POST", body: form, headers: { Cookie: f.cookies.owner } });
  const context = { requestId: randomUUID(), site: await resolveSite(f.host, "localhost", testDb()), clientIp: "203.0.113.9" } as AppLoadContext;
  const result = (await clinicPage.action({ request, context, params: {} })) as unknown as { data: { ok: boolean; message: string; errors: Record<string, string> }; init: { status?: number } | null };
  return { status: result.init?.status ?? 200, ...result.data };
}

describe("logo uploads", () => {
  it("PNG, JPEG and WebP are recognised by their bytes", () => {
    expect(checkUploadedLogo(PNG)).toEqual({ ok: true, type: "image/png" });
    expect(checkUploadedLogo(JPEG)).toEqual({ ok: true, type: "image/jpeg" });
    expect(checkUploadedLogo(WEBP)).toEqual({ ok: true, type: "image/webp" });
  });

  it("refuses a document renamed logo.png, an SVG, an empty file and one over 1 MB, saying why", async () => {
    const renamed = await uploadThroughPage(PDF, "logo.png", "image/png");
    expect(renamed.status).toBe(422);
    expect(renamed.errors.logo).toMatch(/not a PNG, JPEG or WebP picture \(whatever its name says\)/);
    expect((await uploadThroughPage(SVG, "logo.svg", "image/svg+xml")).status).toBe(422);
    expect(checkUploadedLogo(new Uint8Array())).toMatchObject({ ok: false, message: expect.stringMatching(/empty/) });
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_UPLOADED_LOGO_BYTES + 1 - PNG.length)]);
    expect(checkUploadedLogo(big)).toMatchObject({ ok: false, message: expect.stringMatching(/at most 1 MB/) });
    expect(checkUploadedLogo(big.subarray(0, MAX_UPLOADED_LOGO_BYTES))).toEqual({ ok: true, type: "image/png" });
    const large = await uploadThroughPage(big, "logo.png", "image/png");
    expect(large.ok).toBe(false);
    const row = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: f.clinic.id }, select: { logoType: true } }));
    expect(row.logoType).toBeNull();
  });

  it("a WebP renamed .png is stored as WebP; /brand/logo serves it, and a new logo gets a new cached URL", async () => {
    const saved = await uploadThroughPage(WEBP, "logo.png", "image/png");
    expect(saved).toMatchObject({ status: 200, ok: true });
    const first = await resolveSite(f.host, "localhost", testDb());
    if (first.kind !== "clinic") throw new Error("clinic site expected");
    expect(first.clinic.hasLogo).toBe(true);
    const v1 = first.clinic.logoVersion;

    const served = await callLogo(`/brand/logo?v=${v1}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("image/webp");
    expect(Buffer.from(await served.arrayBuffer()).equals(WEBP)).toBe(true);
    expect(served.headers.get("Cache-Control")).toContain("immutable");

    await uploadClinicLogo(db().forClinic(f.clinic.id), PNG, by(), new Date(v1 + 60_000));
    const second = await resolveSite(f.host, "localhost", testDb());
    if (second.kind !== "clinic") throw new Error("clinic site expected");
    expect(second.clinic.logoVersion).toBe(v1 + 60_000);
    // The old URL is no longer immutable: a browser revalidates it and gets the new picture.
    const stale = await callLogo(`/brand/logo?v=${v1}`);
    expect(stale.headers.get("Cache-Control")).toContain("max-age=300");
    expect(stale.headers.get("Content-Type")).toBe("image/png");
    const revalidated = await callLogo(`/brand/logo?v=${v1 + 60_000}`, `"logo-${v1}"`);
    expect(revalidated.status).toBe(200);
    const audit = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.count({ where: { action: "clinic.logo_updated" } }));
    expect(audit).toBe(2);
  });
});

async function callLogo(path: string, ifNoneMatch?: string): Promise<Response> {
  const request = new Request(`http://${f.host}${path}`, { headers: ifNoneMatch ? { "If-None-Match": ifNoneMatch } : {} });
  const context = { requestId: randomUUID(), site: await resolveSite(f.host, "localhost", testDb()), clientIp: "203.0.113.9" } as AppLoadContext;
  return (await brandLogo.loader({ request, context, params: {} })) as Response;
}

describe("colours", () => {
  it("the primary colour must carry white text at 4.5 : 1", () => {
    expect(checkPrimaryColour("#1d4ed8")).toMatchObject({ ok: true, problem: null });
    expect(checkPrimaryColour("#0f766e").ok).toBe(true);
    const amber = checkPrimaryColour("#f59e0b");
    expect(amber.ok).toBe(false);
    expect(amber.problem).toMatch(/White text on #f59e0b has a contrast of 2\.15 : 1; .*at least 4\.5 : 1.*darker/);
    // Just either side of the line: #767676 is 4.54 : 1 on white, #777777 is 4.48 : 1.
    expect(checkPrimaryColour("#767676").ok).toBe(true);
    expect(checkPrimaryColour("#777777").ok).toBe(false);
  });

  it("the accent must be readable with white or dark text", () => {
    expect(checkAccentColour("#f59e0b").ok).toBe(true);
    expect(checkAccentColour("#1d4ed8").ok).toBe(true);
    const mid = checkAccentColour("#777777");
    expect(mid.ok).toBe(false);
    expect(mid.problem).toMatch(/Neither white nor dark text/);
  });

  it("a refused colour saves nothing, not even the other fields", async () => {
    const before = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: f.clinic.id }, select: { name: true, colorPrimary: true } }));
    const error = await validationOf(
      updateClinicProfile(db().forClinic(f.clinic.id), { name: "Renamed clinic", tagline: "", description: "", contactPhone: "", contactEmail: "not-an-email", website: "ftp://x", colorPrimary: "#fde047", colorAccent: "#f59e0b" }, by())
    );
    expect(error.errors.map((e) => e.path).sort()).toEqual(["colorPrimary", "contactEmail", "website"]);
    const after = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: f.clinic.id }, select: { name: true, colorPrimary: true } }));
    expect(after).toEqual(before);
  });
});

describe("profile changes take effect at once", () => {
  it("the site and the marketplace index show the new name and tagline in the same moment", async () => {
    await resolveSite(f.host, "localhost", testDb()); // warm the site cache
    const { changed } = await updateClinicProfile(
      db().forClinic(f.clinic.id),
      {
        name: "Harbour Health",
        tagline: "Walk-ins welcome",
        description: "First.\n\nSecond.",
        contactPhone: "(212) 555-0142",
        contactEmail: "Desk@Harbour.example",
        website: "https://harbour.example",
        colorPrimary: "#1D4ED8",
        colorAccent: "#f59e0b",
      },
      by()
    );
    expect(changed).toEqual(expect.arrayContaining(["name", "tagline", "contactPhone", "colorPrimary"]));
    const site = await resolveSite(f.host, "localhost", testDb());
    if (site.kind !== "clinic") throw new Error("clinic site expected");
    expect(site.clinic).toMatchObject({ name: "Harbour Health", tagline: "Walk-ins welcome", contactPhone: "+12125550142", contactEmail: "Desk@Harbour.example", colorPrimary: "#1d4ed8" });
    const published = await db()
      .forPlatform()
      .tx((tx) => tx.publishedService.findMany({ where: { clinicId: f.clinic.id }, select: { clinicName: true } }));
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((p) => p.clinicName === "Harbour Health")).toBe(true);
    const audit = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findFirstOrThrow({ where: { action: "clinic.profile_updated" }, orderBy: { occurredAt: "desc" } }));
    expect(audit.details).toMatchObject({ after: { name: "Harbour Health" } });
  });

  it("saving the same values again writes no audit row", async () => {
    const count = () =>
      db()
        .forClinic(f.clinic.id)
        .tx((tx) => tx.auditEvent.count({ where: { action: "clinic.profile_updated" } }));
    const n = await count();
    const { changed } = await updateClinicProfile(
      db().forClinic(f.clinic.id),
      {
        name: "Harbour Health",
        tagline: "Walk-ins welcome",
        description: "First.\n\nSecond.",
        contactPhone: "+1 212 555 0142",
        contactEmail: "Desk@Harbour.example",
        website: "https://harbour.example",
        colorPrimary: "#1d4ed8",
        colorAccent: "#f59e0b",
      },
      by()
    );
    expect(changed).toEqual([]);
    expect(await count()).toBe(n);
  });
});

describe("locations and opening hours", () => {
  it("saves several intervals a day, closed days and a late evening running to midnight", async () => {
    const created = await createLocation(db().forClinic(f.clinic.id), locationInput(), by());
    const saved = (await listLocationsForSetup(db().forClinic(f.clinic.id))).find((l) => l.id === created.id)!;
    expect(saved.openingHours.mon).toEqual(HOURS.mon);
    expect(saved.openingHours.wed).toEqual([]);
    expect(saved.openingHours.thu).toEqual([{ open: "20:00", close: "24:00" }]);
    expect(saved).toMatchObject({ country: "US", phone: "+12125550142", latitude: 40.81, longitude: -73.95, postalCode: "10027" });
  });

  it("refuses overlapping intervals, closing before opening, bad times and a missing day, on the day's row", async () => {
    const overlap = await validationOf(
      createLocation(
        db().forClinic(f.clinic.id),
        locationInput(
          {},
          {
            ...HOURS,
            mon: [
              { open: "08:00", close: "12:00" },
              { open: "11:30", close: "14:00" },
            ],
          }
        ),
        by()
      )
    );
    expect(overlap.errors).toEqual([{ path: "openingHours.mon.1", message: "11:30–14:00 overlaps 08:00–12:00" }]);
    const backwards = await validationOf(createLocation(db().forClinic(f.clinic.id), locationInput({}, { ...HOURS, tue: [{ open: "18:00", close: "08:00" }] }), by()));
    expect(backwards.errors).toEqual([{ path: "openingHours.tue.0", message: "The opening time must be earlier than the closing time." }]);
    const badTime = await validationOf(createLocation(db().forClinic(f.clinic.id), locationInput({}, { ...HOURS, sat: [{ open: "25:00", close: "26:00" }] }), by()));
    expect(badTime.errors[0]!.path).toMatch(/^openingHours\.sat\.0/);
    const { sun: _sun, ...sixDays } = HOURS;
    const missing = await validationOf(createLocation(db().forClinic(f.clinic.id), locationInput({}, sixDays), by()));
    expect(missing.errors[0]!.path).toBe("openingHours.sun");
    const coords = await validationOf(createLocation(db().forClinic(f.clinic.id), locationInput({ latitude: "91", longitude: "" }), by()));
    expect(coords.errors.map((e) => e.path)).toEqual(["latitude"]);
    const country = await validationOf(createLocation(db().forClinic(f.clinic.id), locationInput({ country: "XX" }), by()));
    expect(country.errors.map((e) => e.path)).toEqual(["country"]);
    const names = (await listLocationsForSetup(db().forClinic(f.clinic.id))).map((l) => l.name);
    expect(names.filter((n) => n === "Uptown")).toHaveLength(1);
  });

  it("an edit is audited with what changed; the slot engine's location row changes with it", async () => {
    const { changed } = await updateLocation(db().forClinic(f.clinic.id), f.locationId, locationInput({ name: "Main site" }, { ...HOURS, sat: [{ open: "09:00", close: "13:00" }] }), by());
    expect(changed).toEqual(expect.arrayContaining(["openingHours", "addressLine1"]));
    const row = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.location.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.locationId } } }));
    expect(row.openingHours).toMatchObject({ sat: [{ open: "09:00", close: "13:00" }] });
  });
});

describe("rooms", () => {
  async function visitIn(roomId: string, startsAt: Date, status: "confirmed" | "completed" | "cancelled") {
    const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
    await db()
      .forClinic(f.clinic.id)
      .tx((tx) =>
        tx.appointment.create({
          data: {
            clinicId: f.clinic.id,
            serviceId: f.serviceId,
            doctorId: f.doctorIds[0]!,
            locationId: f.locationId,
            roomId,
            patientAccountId: f.patientId,
            status,
            startsAt,
            endsAt,
            blockedFrom: startsAt,
            blockedTo: endsAt,
            channel: "staff",
            currency: "USD",
            cancellationWindowMin: 2880,
            ...(status === "cancelled" ? { cancellationReason: "patient_request", cancelledAt: new Date() } : {}),
          },
        })
      );
  }

  it("a room a future visit uses can be neither deleted, deactivated nor retyped; the refusal says why", async () => {
    const room = await addRoom(db().forClinic(f.clinic.id), f.locationId, { name: "Therapy 1", type: "therapy" }, by());
    await visitIn(room.id, new Date(Date.now() + 3 * 86_400_000), "confirmed");
    await expect(deleteRoom(db().forClinic(f.clinic.id), room.id, by())).rejects.toThrow(ConflictError);
    await expect(deleteRoom(db().forClinic(f.clinic.id), room.id, by())).rejects.toThrow(/Therapy 1 cannot be deleted: 1 upcoming visit uses it/);
    await expect(updateRoom(db().forClinic(f.clinic.id), room.id, { name: "Therapy 1", type: "therapy", active: false }, by())).rejects.toThrow(/cannot be deactivated/);
    await expect(updateRoom(db().forClinic(f.clinic.id), room.id, { name: "Therapy 1", type: "equipment", active: true }, by())).rejects.toThrow(/cannot be changed to equipment/);
    // Renaming is fine: the visit keeps its room.
    expect((await updateRoom(db().forClinic(f.clinic.id), room.id, { name: "Therapy one", type: "therapy", active: true }, by())).changed).toEqual(["name"]);
    const listed = (await listLocationsForSetup(db().forClinic(f.clinic.id))).find((l) => l.id === f.locationId)!.rooms.find((r) => r.id === room.id)!;
    expect(listed).toMatchObject({ name: "Therapy one", futureVisits: 1, active: true });
  });

  it("a room with past or cancelled visits only is deactivated, not deleted; an unused one is deleted", async () => {
    const used = await addRoom(db().forClinic(f.clinic.id), f.locationId, { name: "Old room", type: "consultation" }, by());
    await visitIn(used.id, new Date(Date.now() - 7 * 86_400_000), "completed");
    await visitIn(used.id, new Date(Date.now() + 7 * 86_400_000), "cancelled");
    await expect(deleteRoom(db().forClinic(f.clinic.id), used.id, by())).rejects.toThrow(/stays on record\. Deactivate it instead/);
    expect((await updateRoom(db().forClinic(f.clinic.id), used.id, { name: "Old room", type: "consultation", active: false }, by())).changed).toEqual(["active"]);

    const unused = await addRoom(db().forClinic(f.clinic.id), f.locationId, { name: "Spare", type: "private" }, by());
    await deleteRoom(db().forClinic(f.clinic.id), unused.id, by());
    const actions = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { targetId: { in: [used.id, unused.id] } }, select: { action: true }, orderBy: { occurredAt: "asc" } }));
    expect(actions.map((x) => x.action)).toEqual(["room.created", "room.updated", "room.created", "room.deleted"]);
  });

  it("a room needs a known type", async () => {
    const error = await validationOf(addRoom(db().forClinic(f.clinic.id), f.locationId, { name: "X", type: "kitchen" as never }, by()));
    expect(error.errors[0]!.path).toBe("type");
  });
});

describe("booking policy and reminders", () => {
  it("the clinic's cancellation window is the default for new services and, when asked, applies to every service", async () => {
    const kept = await saveCancellationPolicy(db().forClinic(f.clinic.id), { hours: 24, applyToServices: false }, by());
    expect(kept).toEqual({ windowMin: 1440, servicesChanged: 0 });
    expect(await clinicDefaultCancellationWindowMin(db().forClinic(f.clinic.id))).toBe(1440);
    expect((await readCancellationPolicy(db().forClinic(f.clinic.id))).serviceWindows).toEqual([{ windowMin: 2880, services: 1 }]);
    const applied = await saveCancellationPolicy(db().forClinic(f.clinic.id), { hours: 12, applyToServices: true }, by());
    expect(applied).toEqual({ windowMin: 720, servicesChanged: 1 });
    expect((await readCancellationPolicy(db().forClinic(f.clinic.id))).serviceWindows).toEqual([{ windowMin: 720, services: 1 }]);
    const error = await validationOf(saveCancellationPolicy(db().forClinic(f.clinic.id), { hours: 24 * 15, applyToServices: true }, by()));
    expect(error.errors[0]!.message).toMatch(/At most 336 hours/);
  });

  it("reminders and quiet hours are saved from the page's form; bad ones are refused next to the field", async () => {
    const ok = await callPanel<{ ok: boolean }>(settingsPage, "/panel/settings", {
      host: f.host,
      cookie: f.cookies.owner,
      form: { intent: "reminders", offsetValue: ["2", "1", "30"], offsetUnit: ["hours", "days", "minutes"], quietHoursStart: "22:00", quietHoursEnd: "07:30" },
    });
    expect(ok.status).toBe(200);
    expect(await readMessageSettings(db().forClinic(f.clinic.id))).toEqual({ quietHours: { startMin: 1320, endMin: 450 }, reminderOffsetsMin: [1440, 120, 30] });
    const tooFar = await callPanel<{ errors: Record<string, string> }>(settingsPage, "/panel/settings", { host: f.host, cookie: f.cookies.owner, form: { intent: "reminders", offsetValue: ["15"], offsetUnit: ["days"], quietHoursOff: "on" } });
    expect(tooFar.status).toBe(422);
    expect(tooFar.data.errors["reminderOffsetsMin.0"]).toMatch(/At most 14 days/);
    const half = await callPanel<{ errors: Record<string, string> }>(settingsPage, "/panel/settings", {
      host: f.host,
      cookie: f.cookies.owner,
      form: { intent: "reminders", offsetValue: ["2"], offsetUnit: ["hours"], quietHoursStart: "22:00", quietHoursEnd: "" },
    });
    expect(half.data.errors.quietHoursEnd).toMatch(/both ends/);
    // A row with no number, or a unit the page does not offer, is refused at its own row.
    const rows = await callPanel<{ message: string; errors: Record<string, string> }>(settingsPage, "/panel/settings", {
      host: f.host,
      cookie: f.cookies.owner,
      form: { intent: "reminders", offsetValue: ["", "2", "3"], offsetUnit: ["hours", "weeks", "days"], quietHoursOff: "on" },
    });
    expect(rows.status).toBe(422);
    expect(rows.data.message).toMatch(/nothing was saved/);
    expect(Object.keys(rows.data.errors).sort()).toEqual(["reminderOffsetsMin.0", "reminderOffsetsMin.1"]);
    expect(await readMessageSettings(db().forClinic(f.clinic.id))).toEqual({ quietHours: { startMin: 1320, endMin: 450 }, reminderOffsetsMin: [1440, 120, 30] });
    const audit = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.count({ where: { action: "settings.reminders_updated" } }));
    expect(audit).toBe(1);
  });

  it("a template with an unknown variable is refused; reset brings the default back", async () => {
    const bad = await callPanel<{ errors: Record<string, string> }>(settingsPage, "/panel/settings", { host: f.host, cookie: f.cookies.owner, form: { intent: "save-template", kind: "reminder", channel: "sms", body: "Hi {{firstName}}" } });
    expect(bad.status).toBe(422);
    expect(bad.data.errors.body).toMatch(/Unknown variable \{\{firstName\}\}/);
    await callPanel(settingsPage, "/panel/settings", { host: f.host, cookie: f.cookies.owner, form: { intent: "save-template", kind: "reminder", channel: "sms", body: "See you {{date}}" } });
    const page = await callPanel<{ selected: { body: string; custom: boolean } }>(settingsPage, "/panel/settings?kind=reminder&channel=sms", { host: f.host, cookie: f.cookies.owner });
    expect(page.data.selected).toMatchObject({ body: "See you {{date}}", custom: true });
    await callPanel(settingsPage, "/panel/settings", { host: f.host, cookie: f.cookies.owner, form: { intent: "reset-template", kind: "reminder", channel: "sms" } });
    const reset = await callPanel<{ selected: { custom: boolean } }>(settingsPage, "/panel/settings?kind=reminder&channel=sms", { host: f.host, cookie: f.cookies.owner });
    expect(reset.data.selected.custom).toBe(false);
  });
});

describe("API keys from the owner's page", () => {
  it("a created key works, its last use is shown, and once revoked the API answers 401", async () => {
    const created = await callPanel<{ ok: boolean; extra: { key: string } }>(apiKeysPage, "/panel/api-keys", { host: f.host, cookie: f.cookies.owner, form: { intent: "create", name: "Front-desk EHR" } });
    expect(created.status).toBe(200);
    const key = created.data.extra.key;
    expect(key).toMatch(/^msk_/);

    const listed = async () =>
      (await callPanel<{ keys: { id: string; name: string; lastUsedAt: string | null; revokedAt: string | null }[] }>(apiKeysPage, "/panel/api-keys", { host: f.host, cookie: f.cookies.owner })).data.keys.find((k) => k.name === "Front-desk EHR")!;
    expect((await listed()).lastUsedAt).toBeNull();

    expect((await callRoute(apiServices, "/api/v1/services", { host: f.host, key })).status).toBe(200);
    const used = await listed();
    expect(used.lastUsedAt).not.toBeNull();
    expect(Date.now() - Date.parse(used.lastUsedAt!)).toBeLessThan(60_000);
    // A second call within the minute writes nothing more.
    expect((await callRoute(apiServices, "/api/v1/services", { host: f.host, key })).status).toBe(200);
    expect((await listed()).lastUsedAt).toBe(used.lastUsedAt);

    const revoked = await callPanel(apiKeysPage, "/panel/api-keys", { host: f.host, cookie: f.cookies.owner, form: { intent: "revoke", apiKeyId: used.id } });
    expect(revoked.status).toBe(200);
    expect((await listed()).revokedAt).not.toBeNull();
    expect((await callRoute(apiServices, "/api/v1/services", { host: f.host, key })).status).toBe(401);
    const audit = await db()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { targetId: used.id }, select: { action: true, actorType: true, actorId: true }, orderBy: { occurredAt: "asc" } }));
    expect(audit).toEqual([
      { action: "api_key.created", actorType: "staff", actorId: f.staff.owner },
      { action: "api_key.revoked", actorType: "staff", actorId: f.staff.owner },
    ]);
  });

  it("a nameless key is refused next to the field", async () => {
    const answer = await callPanel<{ errors: Record<string, string> }>(apiKeysPage, "/panel/api-keys", { host: f.host, cookie: f.cookies.owner, form: { intent: "create", name: "   " } });
    expect(answer.status).toBe(422);
    expect(answer.data.errors.name).toBeTruthy();
  });
});
