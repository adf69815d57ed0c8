/** How people, places and dates read in a sentence on the clinic's pages and panel. */
import { zonedMoment } from "~/modules/tenancy/opening-hours";

/** "Maria" from "Dr. Maria Alvarez": how a greeting addresses someone. */
export function firstNameOf(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter((w) => !/^(dr|prof|mr|mrs|ms|mx)\.?$/i.test(w));
  return words[0] ?? fullName.trim();
}

/** "New York time" for America/New_York: how people name a zone in a sentence. */
export function timeZoneCity(timeZone: string): string {
  const city = timeZone.split("/").pop() ?? timeZone;
  return `${city.replace(/_/g, " ")} time`;
}

/** "Friday, 20 November 2026" in the clinic's zone. */
export function formatLongDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at);
}

/** Morning, afternoon or evening in the clinic's zone. */
export function partOfDay(at: Date, timeZone: string): "morning" | "afternoon" | "evening" {
  const { minutes } = zonedMoment(at, timeZone);
  if (minutes < 12 * 60) return "morning";
  if (minutes < 18 * 60) return "afternoon";
  return "evening";
}
