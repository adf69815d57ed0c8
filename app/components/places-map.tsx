import { useEffect, useRef, useState } from "react";

export interface MapPlace {
  id: string;
  /** The marker's name, e.g. "Northside Family Clinic · Midtown". */
  name: string;
  latitude: number;
  longitude: number;
  href: string;
}

/** How long the map may take to show its first tile before the list is all the patient gets. */
const MAP_TIMEOUT_MS = 8000;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A Leaflet map over OpenStreetMap tiles, loaded only after the page is interactive (a dynamic
 * import, so other pages never carry it). The list of places next to it is the accessible
 * alternative and what remains when the script or the tiles cannot load.
 */
export function PlacesMap({ places, label, className = "h-72 sm:h-96" }: { places: MapPlace[]; label: string; className?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "unavailable">(places.length ? "loading" : "unavailable");
  const placesKey = places.map((p) => `${p.id}@${p.latitude},${p.longitude}`).join("|");

  useEffect(() => {
    if (!places.length || !container.current) return;
    let cancelled = false;
    let tileShown = false;
    let map: { remove(): void } | undefined;
    setState("loading");
    const timer = window.setTimeout(() => {
      if (!tileShown && !cancelled) setState("unavailable");
    }, MAP_TIMEOUT_MS);
    import("leaflet")
      .then((mod) => {
        const L = (mod as unknown as { default?: typeof mod }).default ?? mod;
        if (cancelled || !container.current) return;
        const m = L.map(container.current, { scrollWheelZoom: false, keyboard: true, attributionControl: true });
        map = m;
        const tiles = L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
          maxZoom: 19,
          attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        });
        tiles.on("tileload", () => {
          tileShown = true;
          if (!cancelled) setState("ready");
        });
        tiles.on("tileerror", () => {
          if (!tileShown && !cancelled) setState("unavailable");
        });
        tiles.addTo(m);
        const icon = L.divIcon({
          className: "",
          html: '<span class="block h-6 w-6 -translate-y-1 rounded-full border-[3px] border-white bg-teal-700 shadow-md ring-1 ring-teal-900/40"></span>',
          iconSize: [24, 24],
          iconAnchor: [12, 12],
          popupAnchor: [0, -12],
        });
        const bounds = L.latLngBounds([]);
        for (const place of places) {
          const at = L.latLng(place.latitude, place.longitude);
          bounds.extend(at);
          L.marker(at, { icon, title: place.name, alt: place.name, keyboard: true })
            .bindPopup(`<a href="${escapeHtml(place.href)}" class="font-semibold text-teal-800 underline">${escapeHtml(place.name)}</a>`)
            .addTo(m);
        }
        if (places.length === 1) m.setView(bounds.getCenter(), 15);
        else m.fitBounds(bounds, { padding: [32, 32], maxZoom: 15 });
      })
      .catch(() => {
        if (!cancelled) setState("unavailable");
      });
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      map?.remove();
    };
    // placesKey stands for `places`: a new array with the same places must not rebuild the map.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [placesKey]);

  return (
    <div data-testid="places-map" data-state={state}>
      {state === "unavailable" ? (
        <p role="status" className="rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm text-slate-700" data-testid="map-unavailable">
          The map is unavailable right now. {places.length ? "Every place is in the list." : "No addresses have map coordinates yet."}
        </p>
      ) : null}
      <div className={`relative overflow-hidden rounded-2xl border border-slate-200 bg-slate-100 ${state === "unavailable" ? "hidden" : ""} ${className}`}>
        {/* Leaflet makes this element focusable: arrow keys pan, + and − zoom, Tab reaches the markers. */}
        <div ref={container} role="region" aria-label={label} className="h-full w-full" />
        {state === "loading" ? (
          <p className="pointer-events-none absolute inset-0 flex items-center justify-center text-sm text-slate-600" aria-hidden="true">
            Loading map…
          </p>
        ) : null}
      </div>
    </div>
  );
}
