/**
 * Who may use the owner's setup pages (clinic profile, locations and rooms, settings, API keys):
 * every loader and every action, as each role of clinic A, as each role of clinic B on A's host,
 * and as B's owner on B's own host with A's ids, which must find nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import * as apiKeys from "~/routes/panel.api-keys";
import * as clinicProfile from "~/routes/panel.clinic";
import * as location from "~/routes/panel.locations.$locationId";
import * as locations from "~/routes/panel.locations._index";
import * as settings from "~/routes/panel.settings";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, PANEL_ROLES, type PanelFixture, type PanelRoute } from "../support/panel-client";

let a: PanelFixture;
let b: PanelFixture;
let aRoomId: string;
let bRoomId: string;
let aKeyId: string;

const HOURS = JSON.stringify({
  mon: [
    { open: "08:00", close: "12:00" },
    { open: "13:00", close: "18:00" },
  ],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
});
const locationForm = (name: string) => ({ name, addressLine1: "2 Test Street", addressLine2: "", city: "Test City", region: "", postalCode: "10001", country: "US", latitude: "40.8", longitude: "-73.9", phone: "", openingHours: HOURS });

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  const room = (f: PanelFixture) =>
    testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.room.create({ data: { clinicId: f.clinic.id, locationId: f.locationId, key: "r-1", name: "Room 1", type: "consultation" } }));
  [aRoomId, bRoomId] = [(await room(a)).id, (await room(b)).id];
  aKeyId = (await createApiKey(testDb(), a.clinic.id, "A's EHR", "cli")).apiKey.id;
});
afterAll(releaseAppDb);

interface Case {
  what: string;
  route: PanelRoute;
  path: () => string;
  params?: () => Record<string, string>;
  form?: () => Record<string, string | string[]>;
  /** What the owner of the clinic gets (the others get 403). */
  ownerStatus: number;
}

const cases: Case[] = [
  { what: "clinic profile page", route: clinicProfile, path: () => "/panel/clinic", ownerStatus: 200 },
  {
    what: "save the profile",
    route: clinicProfile,
    path: () => "/panel/clinic",
    form: () => ({ intent: "profile", name: "Clinic A", tagline: "Care", description: "", contactPhone: "", contactEmail: "", website: "", colorPrimary: "#1d4ed8", colorAccent: "#f59e0b" }),
    ownerStatus: 200,
  },
  { what: "upload a logo (none chosen)", route: clinicProfile, path: () => "/panel/clinic", form: () => ({ intent: "logo" }), ownerStatus: 422 },
  { what: "remove the logo", route: clinicProfile, path: () => "/panel/clinic", form: () => ({ intent: "remove-logo" }), ownerStatus: 200 },
  { what: "locations page", route: locations, path: () => "/panel/locations", ownerStatus: 200 },
  { what: "add a location", route: locations, path: () => "/panel/locations", form: () => ({ intent: "create-location", ...locationForm("Uptown") }), ownerStatus: 302 },
  { what: "one location", route: location, path: () => `/panel/locations/${a.locationId}`, params: () => ({ locationId: a.locationId }), ownerStatus: 200 },
  { what: "edit the location", route: location, path: () => `/panel/locations/${a.locationId}`, params: () => ({ locationId: a.locationId }), form: () => ({ intent: "update-location", ...locationForm("Main site") }), ownerStatus: 200 },
  { what: "add a room", route: location, path: () => `/panel/locations/${a.locationId}`, params: () => ({ locationId: a.locationId }), form: () => ({ intent: "add-room", roomName: "Therapy 2", roomType: "therapy" }), ownerStatus: 200 },
  {
    what: "edit a room",
    route: location,
    path: () => `/panel/locations/${a.locationId}`,
    params: () => ({ locationId: a.locationId }),
    form: () => ({ intent: "update-room", roomId: aRoomId, roomName: "Room One", roomType: "consultation", active: "on" }),
    ownerStatus: 200,
  },
  { what: "settings page", route: settings, path: () => "/panel/settings?kind=reminder&channel=email", ownerStatus: 200 },
  { what: "save the cancellation window", route: settings, path: () => "/panel/settings", form: () => ({ intent: "cancellation", hours: "24", applyToServices: "on" }), ownerStatus: 200 },
  { what: "save reminders", route: settings, path: () => "/panel/settings", form: () => ({ intent: "reminders", offsetValue: ["1", "2"], offsetUnit: ["days", "hours"], quietHoursStart: "21:00", quietHoursEnd: "08:00" }), ownerStatus: 200 },
  { what: "save a template", route: settings, path: () => "/panel/settings", form: () => ({ intent: "save-template", kind: "reminder", channel: "sms", body: "See you {{date}} at {{time}}, {{clinicName}}" }), ownerStatus: 200 },
  { what: "reset a template", route: settings, path: () => "/panel/settings", form: () => ({ intent: "reset-template", kind: "reminder", channel: "sms" }), ownerStatus: 200 },
  { what: "API keys page", route: apiKeys, path: () => "/panel/api-keys", ownerStatus: 200 },
  { what: "create an API key", route: apiKeys, path: () => "/panel/api-keys", form: () => ({ intent: "create", name: "Booking widget" }), ownerStatus: 200 },
  { what: "revoke an API key", route: apiKeys, path: () => "/panel/api-keys", form: () => ({ intent: "revoke", apiKeyId: aKeyId }), ownerStatus: 200 },
];

describe.each(cases)("$what", (c) => {
  const call = (cookie: string | null, host = a.host) => callPanel(c.route, c.path(), { host, cookie, form: c.form?.(), params: c.params?.() });

  it.each(PANEL_ROLES)("a %s of the clinic gets exactly what the role allows", async (role) => {
    const answer = await call(a.cookies[role]);
    expect(answer.status).toBe(role === "owner" ? c.ownerStatus : 403);
  });

  it.each(PANEL_ROLES)("a %s of another clinic is sent to sign in on this clinic's host", async (role) => {
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

describe("another clinic's owner, on their own host, cannot reach this clinic's rows by id", () => {
  it("a location of A is not found on B", async () => {
    const answer = await callPanel(location, `/panel/locations/${a.locationId}`, { host: b.host, cookie: b.cookies.owner, params: { locationId: a.locationId } });
    expect(answer.status).toBe(404);
    const edit = await callPanel(location, `/panel/locations/${a.locationId}`, { host: b.host, cookie: b.cookies.owner, params: { locationId: a.locationId }, form: { intent: "update-location", ...locationForm("Taken over") } });
    expect(edit.status).toBe(404);
    const room = await callPanel(location, `/panel/locations/${a.locationId}`, { host: b.host, cookie: b.cookies.owner, params: { locationId: a.locationId }, form: { intent: "add-room", roomName: "Sneaky", roomType: "therapy" } });
    expect(room.status).toBe(404);
  });

  it("A's room is not found through B's own location", async () => {
    const params = { locationId: b.locationId };
    const forms: Record<string, string>[] = [
      { intent: "update-room", roomId: aRoomId, roomName: "Renamed", roomType: "therapy", active: "on" },
      { intent: "delete-room", roomId: aRoomId },
    ];
    for (const form of forms) {
      const answer = await callPanel(location, `/panel/locations/${b.locationId}`, { host: b.host, cookie: b.cookies.owner, params, form });
      expect(answer.status).toBe(404);
    }
    // And B's room is not reachable through A's location on A's host either.
    const mixed = await callPanel(location, `/panel/locations/${a.locationId}`, { host: a.host, cookie: a.cookies.owner, params: { locationId: a.locationId }, form: { intent: "delete-room", roomId: bRoomId } });
    expect(mixed.status).toBe(404);
    const rooms = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.room.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: aRoomId } } }));
    expect(rooms.name).not.toBe("Renamed");
  });

  it("A's API key cannot be revoked by B's owner", async () => {
    const other = (await createApiKey(testDb(), a.clinic.id, "Still A's", "cli")).apiKey.id;
    const answer = await callPanel(apiKeys, "/panel/api-keys", { host: b.host, cookie: b.cookies.owner, form: { intent: "revoke", apiKeyId: other } });
    expect(answer.status).toBe(404);
    const row = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.apiKey.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: other } } }));
    expect(row.revokedAt).toBeNull();
  });

  it("B's pages list none of A's rows", async () => {
    const list = await callPanel<{ locations: { id: string }[] }>(locations, "/panel/locations", { host: b.host, cookie: b.cookies.owner });
    expect(list.data.locations.map((l) => l.id)).toEqual([b.locationId]);
    const keys = await callPanel<{ keys: { id: string }[] }>(apiKeys, "/panel/api-keys", { host: b.host, cookie: b.cookies.owner });
    expect(keys.data.keys.map((k) => k.id)).not.toContain(aKeyId);
  });
});
