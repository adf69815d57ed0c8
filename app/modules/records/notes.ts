/**
 * The rules of clinical notes that need no database: a note is a chain of versions; the newest is
 * what the chart shows; a note is locked once signed or 24 hours after its first version, and only
 * its author may amend or sign it while it is open.
 */

export const NOTE_LOCK_MS = 24 * 60 * 60 * 1000;

export interface NoteVersion {
  id: string;
  noteId: string;
  version: number;
  authorStaffUserId: string;
  body: string;
  amendReason: string | null;
  createdAt: Date;
  signedAt: Date | null;
}

export interface NoteChain<V extends NoteVersion = NoteVersion> {
  noteId: string;
  /** Newest first. */
  versions: V[];
  current: V;
  first: V;
  signedAt: Date | null;
  locksAt: Date;
  locked: boolean;
  lockedBecause: "signed" | "time" | null;
}

/** Groups versions into notes, newest note first; each note's versions newest first. */
export function chainNotes<V extends NoteVersion>(versions: readonly V[], now: Date): NoteChain<V>[] {
  const byNote = new Map<string, V[]>();
  for (const v of versions) {
    const list = byNote.get(v.noteId) ?? [];
    list.push(v);
    byNote.set(v.noteId, list);
  }
  const chains = [...byNote.entries()].map(([noteId, list]) => {
    const sorted = [...list].sort((a, b) => b.version - a.version);
    const first = sorted[sorted.length - 1]!;
    const signedAt = sorted.find((v) => v.signedAt)?.signedAt ?? null;
    const locksAt = new Date(first.createdAt.getTime() + NOTE_LOCK_MS);
    const lockedBecause = signedAt ? ("signed" as const) : now.getTime() >= locksAt.getTime() ? ("time" as const) : null;
    return { noteId, versions: sorted, current: sorted[0]!, first, signedAt, locksAt, locked: lockedBecause !== null, lockedBecause };
  });
  return chains.sort((a, b) => b.first.createdAt.getTime() - a.first.createdAt.getTime() || (a.noteId < b.noteId ? 1 : -1));
}

export type NoteRefusal = "locked_signed" | "locked_time" | "not_author" | "stale";

/** Why `staffUserId` may not amend or sign this note now, or null when they may. */
export function noteChangeRefusal(chain: NoteChain, staffUserId: string, expectedVersion?: number): NoteRefusal | null {
  if (chain.lockedBecause === "signed") return "locked_signed";
  if (chain.lockedBecause === "time") return "locked_time";
  if (chain.first.authorStaffUserId !== staffUserId) return "not_author";
  if (expectedVersion !== undefined && chain.current.version !== expectedVersion) return "stale";
  return null;
}

export const NOTE_REFUSAL_WORDS: Record<NoteRefusal, string> = {
  locked_signed: "This note is signed and locked. Add a new note to record anything further.",
  locked_time: "This note locked 24 hours after it was written. Add a new note to record anything further.",
  not_author: "Only the doctor who wrote this note can amend or sign it.",
  stale: "This note was amended meanwhile. Read the newest version and try again.",
};
