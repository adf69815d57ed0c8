/** A booked visit as a calendar event: the same on the receipt and on the patient's visit page. */
import { bookingCalendarUid } from "~/lib/booking-code";
import type { AppointmentStatus } from "~/generated/prisma/enums";
import type { CalendarEntry } from "./ics";

export interface VisitForCalendar {
  bookingCode: string;
  status: AppointmentStatus;
  serviceName: string;
  start: Date;
  end: Date;
}

export function visitCalendarEntry(
  clinic: { id: string; name: string },
  visit: VisitForCalendar,
  facts: { moves: number; doctorName: string; location: { name: string; address: string } | null; preparationNotes: string | null | undefined; policy: string },
  now: Date,
): CalendarEntry {
  return {
    uid: bookingCalendarUid(clinic.id, visit.bookingCode),
    sequence: facts.moves,
    cancelled: visit.status === "cancelled" || visit.status === "declined",
    start: visit.start,
    end: visit.end,
    summary: `${visit.serviceName} · ${clinic.name}`,
    location: facts.location ? `${facts.location.name}, ${facts.location.address}` : clinic.name,
    description: `${visit.serviceName} with ${facts.doctorName}.${facts.preparationNotes ? ` ${facts.preparationNotes}` : ""} ${facts.policy}`,
    stamp: now,
  };
}
