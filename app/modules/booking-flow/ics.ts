/** An appointment as an iCalendar file (RFC 5545) that phones and desktop calendars import. */

export interface CalendarEntry {
  /** The same for a booking however often it moves, so a calendar replaces its event (bookingCalendarUid). */
  uid: string;
  /** How many times the booking has moved: a calendar keeps the event with the highest. */
  sequence: number;
  /** A cancelled booking's file tells calendars to strike the event out. */
  cancelled: boolean;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  stamp: Date;
  /** The visit's page on the clinic's site, to manage it: built from configuration, never from a request. */
  url?: string | null;
}

/** The description with the way back to the visit, as every calendar shows it. */
function detailsOf(entry: CalendarEntry): string {
  return entry.url ? `${entry.description}\n\nManage this visit: ${entry.url}` : entry.description;
}

/** 20261207T143000Z: calendars convert UTC to the reader's own zone themselves. */
export function icsUtc(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\r?\n/g, "\\n").replace(/([,;])/g, "\\$1");
}

/** Lines longer than 75 octets are folded with CRLF + space, as the format requires. */
function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  for (const ch of line) {
    const limit = parts.length === 0 ? 75 : 74;
    if (new TextEncoder().encode(current + ch).length > limit) {
      parts.push(current);
      current = "";
    }
    current += ch;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

export function appointmentIcs(entry: CalendarEntry): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Medslot//Booking//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${entry.uid}`,
    `SEQUENCE:${entry.sequence}`,
    `STATUS:${entry.cancelled ? "CANCELLED" : "CONFIRMED"}`,
    `DTSTAMP:${icsUtc(entry.stamp)}`,
    `DTSTART:${icsUtc(entry.start)}`,
    `DTEND:${icsUtc(entry.end)}`,
    `SUMMARY:${escapeText(entry.summary)}`,
    `LOCATION:${escapeText(entry.location)}`,
    `DESCRIPTION:${escapeText(detailsOf(entry))}`,
    ...(entry.url ? [`URL:${entry.url}`] : []),
    // A reminder an hour before, on the patient's own device (the clinic's SMS reminders are separate).
    ...(entry.cancelled ? [] : ["BEGIN:VALARM", "ACTION:DISPLAY", `DESCRIPTION:${escapeText(entry.summary)}`, "TRIGGER:-PT1H", "END:VALARM"]),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/** "Add to Google Calendar" and "Add to Outlook" links for the same event (Apple's calendar takes the .ics). */
export function calendarLinks(entry: CalendarEntry): { google: string; outlook: string } {
  const details = detailsOf(entry);
  const google = new URL("https://calendar.google.com/calendar/render");
  google.search = new URLSearchParams({ action: "TEMPLATE", text: entry.summary, dates: `${icsUtc(entry.start)}/${icsUtc(entry.end)}`, details, location: entry.location }).toString();
  const outlook = new URL("https://outlook.live.com/calendar/0/deeplink/compose");
  outlook.search = new URLSearchParams({ path: "/calendar/action/compose", rru: "addevent", subject: entry.summary, startdt: entry.start.toISOString(), enddt: entry.end.toISOString(), body: details, location: entry.location }).toString();
  return { google: google.href, outlook: outlook.href };
}
