/**
 * Times for a visit that must be "due now" in a browser test: ahead of now, within the hour (a
 * patient may check in from an hour before) and on the clinic's today. The demo diary and other
 * tests may leave only a sliver of a doctor's hour, so every minute of it is offered, five minutes
 * long first and then one; late in the clinic's evening, one-minute visits before midnight only.
 * The caller tries them in order until one fits beside the doctor's and the room's other visits.
 */
export interface SoonTime {
  /** Minutes from the start of the current minute. */
  offset: number;
  /** Length of the visit in minutes. */
  minutes: number;
}

export function soonTimes(timeZone: string, now = new Date()): SoonTime[] {
  const [hour, minute] = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(now)
    .split(":")
    .map(Number);
  const beforeMidnight = 24 * 60 - (hour! * 60 + minute!);
  if (beforeMidnight < 65) return Array.from({ length: Math.max(1, beforeMidnight - 2) }, (_, i) => ({ offset: i + 1, minutes: 1 }));
  const everyMinute = Array.from({ length: 55 }, (_, i) => i + 2);
  return [...everyMinute.map((offset) => ({ offset, minutes: 5 })), ...everyMinute.map((offset) => ({ offset, minutes: 1 }))];
}
