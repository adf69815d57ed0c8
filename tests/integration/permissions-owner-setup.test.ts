/**
 * The owner's setup pages (locations and rooms, API keys) and another clinic's rows: B's owner, on
 * B's own host with A's ids, finds nothing. Who may use the pages is in permission-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import * as apiKeys from "~/routes/panel.api-keys";
import * as location from "~/routes/panel.locations.$locationId";
import * as locations from "~/routes/panel.locations._index";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { locationForm } from "../support/panel-forms";

let a: PanelFixture;
let b: PanelFixture;
let aRoomId: string;
let bRoomId: string;
let aKeyId: string;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  const room = (f: PanelFixture) =>
    testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.room.create({ data: { clinicId: f.clinic.id, locationId: f.locationId, key: "r-1", name: "Room 1", type: "consultation" } }));
  [aRoomId, bRoomId] = [(await room(a)).id, (await room(b)).id];
  aKeyId = (await createApiKey(testDb().forClinic(a.clinic.id), "A's EHR", "cli")).apiKey.id;
});
afterAll(releaseAppDb);

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
    const other = (await createApiKey(testDb().forClinic(a.clinic.id), "Still A's", "cli")).apiKey.id;
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
