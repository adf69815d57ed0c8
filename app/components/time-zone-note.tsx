import { useEffect, useState } from "react";
import { timeZoneCity } from "~/modules/clinic/display";

/**
 * Says which zone the times are in, but only to visitors whose own browser is in another one: the
 * server cannot know the visitor's zone, so this appears after the page has loaded.
 */
export function TimeZoneNote({ timeZone }: { timeZone: string }) {
  const [differs, setDiffers] = useState(false);
  useEffect(() => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setDiffers(Boolean(browserZone) && browserZone !== timeZone);
  }, [timeZone]);
  if (!differs) return null;
  return (
    <p className="mt-2 inline-flex items-center gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="time-zone-note">
      <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 shrink-0 fill-current">
        <path d="M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm.75 4v3.69l2.53 2.53-1.06 1.06-2.97-2.97V6h1.5Z" />
      </svg>
      <span>
        Times are in {timeZoneCity(timeZone)} ({timeZone}).
      </span>
    </p>
  );
}
