import { useEffect, useState } from "react";
import { timeZoneCity } from "~/modules/clinic/display";

/**
 * Times are the clinic's (the server cannot know the visitor's zone). A visitor whose browser is in
 * another zone may see them in their own instead; the choice is kept in this browser for the next
 * pages. Until the page has loaded (or without JavaScript) the clinic's clock is shown.
 */
const KEY = "medslot:times-in";

/** The browser's zone when it differs from the clinic's; null on the server, when equal or unknown. */
export function useOtherZone(clinicZone: string | null): string | null {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => {
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setZone(clinicZone && own && own !== clinicZone ? own : null);
  }, [clinicZone]);
  return zone;
}

/** Whether the visitor chose to see times in their own zone (and it differs from the clinic's). */
export function useTimesInOwnZone(clinicZone: string | null): { ownZone: string | null; mine: boolean; choose: (mine: boolean) => void } {
  const ownZone = useOtherZone(clinicZone);
  const [mine, setMine] = useState(false);
  useEffect(() => {
    try {
      setMine(ownZone !== null && window.localStorage.getItem(KEY) === "mine");
    } catch {
      setMine(false);
    }
  }, [ownZone]);
  const choose = (value: boolean) => {
    setMine(value);
    try {
      window.localStorage.setItem(KEY, value ? "mine" : "clinic");
    } catch {
      // Private browsing without storage: the choice lasts for this page.
    }
  };
  return { ownZone, mine: mine && ownZone !== null, choose };
}

/** "3:00 PM", or "3:00 PM Wed" when the visitor's day is not the clinic's. */
export function timeInZone(iso: string, zone: string, clinicZone: string): string {
  const at = new Date(iso);
  const time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "numeric", minute: "2-digit" }).format(at);
  const day = (z: string) => new Intl.DateTimeFormat("en-CA", { timeZone: z, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  return day(zone) === day(clinicZone) ? time : `${time} ${new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: "short" }).format(at)}`;
}

/** The switch between the clinic's clock and the visitor's own; shown only when they differ. */
export function ZoneToggle({ clinicZone, ownZone, mine, onChange }: { clinicZone: string; ownZone: string | null; mine: boolean; onChange: (mine: boolean) => void }) {
  if (!ownZone) return null;
  const option = (value: boolean, label: string) => (
    <button
      type="button"
      aria-pressed={mine === value}
      onClick={() => onChange(value)}
      className={`min-h-11 rounded-md px-3 text-sm font-semibold ${mine === value ? "bg-white text-slate-900 shadow-sm ring-1 ring-slate-300" : "text-slate-700 hover:text-slate-900"}`}
      data-testid={value ? "zone-mine" : "zone-clinic"}
    >
      {label}
    </button>
  );
  return (
    <div role="group" aria-label="Show times in" className="mb-3 inline-flex flex-wrap items-center gap-1 rounded-lg bg-slate-100 p-1" data-testid="zone-toggle">
      {option(false, `Clinic's clock (${timeZoneCity(clinicZone)})`)}
      {option(true, `My clock (${timeZoneCity(ownZone)})`)}
    </div>
  );
}

/** Under one time shown on the clinic's clock: the same moment on the visitor's, when it differs. */
export function YourTime({ at, clinicZone }: { at: string; clinicZone: string }) {
  const ownZone = useOtherZone(clinicZone);
  if (!ownZone) return null;
  const when = new Intl.DateTimeFormat(undefined, { timeZone: ownZone, weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit" }).format(new Date(at));
  return (
    <span className="block text-sm text-slate-600" data-testid="your-time">
      {when}, {timeZoneCity(ownZone)}
    </span>
  );
}
