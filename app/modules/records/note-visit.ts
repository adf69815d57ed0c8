/**
 * Which visit a new chart note is about, before the doctor chooses: the visit being seen. A note
 * filed on another doctor's visit, or on a visit still to come, is a note in the wrong place; when
 * none of this doctor's visits is under way or just over, the note is "not about one visit".
 */

export interface NoteVisitCandidate {
  id: string;
  doctorId: string;
  startsAtIso: string;
  status: string;
}

/** A visit that starts this soon counts as being seen now (the patient is usually in the room early). */
export const ABOUT_TO_START_MIN = 30;

export function visitBeingSeen(visits: readonly NoteVisitCandidate[], doctorId: string | null, now: Date, asked?: string | null): string {
  if (!doctorId) return "";
  const mine = visits.filter((v) => v.doctorId === doctorId);
  // A link from the doctor's day names the visit.
  if (asked && mine.some((v) => v.id === asked)) return asked;
  const inRoom = mine.find((v) => v.status === "in_consultation");
  if (inRoom) return inRoom.id;
  const soon = now.getTime() + ABOUT_TO_START_MIN * 60_000;
  const started = mine
    .filter((v) => Date.parse(v.startsAtIso) <= soon && ["checked_in", "confirmed", "completed"].includes(v.status))
    .sort((a, b) => Date.parse(b.startsAtIso) - Date.parse(a.startsAtIso));
  return started[0]?.id ?? "";
}
