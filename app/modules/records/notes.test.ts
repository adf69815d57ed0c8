import { describe, expect, it } from "vitest";
import { chainNotes, noteChangeRefusal, NOTE_LOCK_MS, type NoteVersion } from "./notes";

const t0 = new Date("2026-03-28T22:30:00Z");
const v = (over: Partial<NoteVersion>): NoteVersion => ({ id: "n1", noteId: "n1", version: 1, authorStaffUserId: "dr-a", body: "first", amendReason: null, createdAt: t0, signedAt: null, ...over });

describe("note chains", () => {
  it("show the newest version and keep every older one", () => {
    const [chain] = chainNotes([v({}), v({ id: "n1b", version: 2, body: "second", amendReason: "typo", createdAt: new Date(t0.getTime() + 60_000) })], t0);
    expect(chain!.current.body).toBe("second");
    expect(chain!.versions.map((x) => x.version)).toEqual([2, 1]);
    expect(chain!.first.body).toBe("first");
  });

  it("lock exactly 24 hours after the first version, not after the latest amendment", () => {
    const versions = [v({}), v({ id: "n1b", version: 2, amendReason: "x", createdAt: new Date(t0.getTime() + 23 * 3600_000) })];
    expect(chainNotes(versions, new Date(t0.getTime() + NOTE_LOCK_MS - 1))[0]!.locked).toBe(false);
    const at = chainNotes(versions, new Date(t0.getTime() + NOTE_LOCK_MS))[0]!;
    expect(at.locked).toBe(true);
    expect(at.lockedBecause).toBe("time");
    expect(noteChangeRefusal(at, "dr-a")).toBe("locked_time");
  });

  it("lock at once when signed, whatever the time", () => {
    const chain = chainNotes([v({ signedAt: new Date(t0.getTime() + 1000) })], t0)[0]!;
    expect(chain.lockedBecause).toBe("signed");
    expect(noteChangeRefusal(chain, "dr-a")).toBe("locked_signed");
  });

  it("refuse another doctor and a stale amendment", () => {
    const chain = chainNotes([v({}), v({ id: "n1b", version: 2, amendReason: "x" })], t0)[0]!;
    expect(noteChangeRefusal(chain, "dr-b")).toBe("not_author");
    expect(noteChangeRefusal(chain, "dr-a", 1)).toBe("stale");
    expect(noteChangeRefusal(chain, "dr-a", 2)).toBeNull();
  });

  it("order notes newest first", () => {
    const chains = chainNotes([v({}), v({ id: "n2", noteId: "n2", createdAt: new Date(t0.getTime() + 5000) })], t0);
    expect(chains.map((c) => c.noteId)).toEqual(["n2", "n1"]);
  });
});
