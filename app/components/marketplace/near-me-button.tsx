import { useEffect, useState } from "react";

/**
 * "Near me": asks the browser for the patient's location and searches again sorted by distance,
 * carrying latitude and longitude in the query. Without JavaScript it is not shown (the sort option
 * explains what it needs); when the patient refuses or the browser cannot tell, it says so.
 */
export function NearMeButton({ formId }: { formId: string }) {
  const [supported, setSupported] = useState(false);
  const [status, setStatus] = useState<"idle" | "locating" | "denied" | "unavailable">("idle");
  useEffect(() => setSupported(typeof navigator !== "undefined" && "geolocation" in navigator), []);
  if (!supported) return null;

  const locate = () => {
    setStatus("locating");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const form = document.getElementById(formId) as HTMLFormElement | null;
        if (!form) return;
        const set = (name: string, value: string) => {
          let input = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
          if (!input) {
            const hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = name;
            form.appendChild(hidden);
            input = hidden;
          }
          input.value = value;
        };
        set("lat", position.coords.latitude.toFixed(5));
        set("lng", position.coords.longitude.toFixed(5));
        set("sort", "distance");
        form.requestSubmit();
      },
      (error) => setStatus(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable"),
      { maximumAge: 300_000, timeout: 10_000 },
    );
  };

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <button type="button" onClick={locate} className="btn-secondary" disabled={status === "locating"} data-testid="near-me">
        <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
          <path d="M10 1.5a6 6 0 0 1 6 6c0 4.2-6 11-6 11s-6-6.8-6-11a6 6 0 0 1 6-6Zm0 3.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z" />
        </svg>
        {status === "locating" ? "Finding you…" : "Near me"}
      </button>
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {status === "denied"
          ? "Your browser did not share your location, so results are not sorted by distance. You can allow it in the browser's site settings."
          : status === "unavailable"
            ? "Your location could not be found just now. Try again, or pick a city."
            : ""}
      </p>
    </div>
  );
}
