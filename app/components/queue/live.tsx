import { useLocation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * Keeps a page's loader data fresh from a server-sent event stream: each `queue` event (and each
 * reconnection, which may have missed some) reloads the page's data, a burst of events once. The
 * browser's EventSource reconnects by itself after the server's `retry` delay; a stream the server
 * refused (503 when full) is opened again here after a pause.
 */
export function useLiveRevalidate(url: string | null): LiveState {
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    if (!url || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let hadError = false;
    let stopped = false;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => revalidateRef.current(), 150);
    };
    const open = () => {
      source = new EventSource(url);
      source.onopen = () => {
        setState("live");
        if (hadError) refresh();
        hadError = false;
      };
      source.addEventListener("queue", refresh);
      source.onerror = () => {
        hadError = true;
        setState("reconnecting");
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          reopen = setTimeout(open, 5_000);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(reopen);
      source?.close();
    };
  }, [url]);

  return state;
}

export function LiveBadge({ state }: { state: LiveState }) {
  const words = state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span role="status" className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-semibold ring-1 ${state === "live" ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`} data-testid="live-state" data-state={state}>
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${state === "live" ? "bg-emerald-600" : "bg-amber-500"}`} />
      {words}
    </span>
  );
}

/**
 * An action's answer ("Checked in: ticket A-012") that stays on screen while live updates reload
 * the page's data. A reload after another desk's or the doctor's change is a revalidation, which
 * clears the action's data in Remix, so without this the answer could vanish a moment after it
 * appeared. It is forgotten when the person goes to another page or acts again.
 */
export function useLastingAnswer<T>(answer: T | undefined): T | undefined {
  const { key } = useLocation();
  const [kept, setKept] = useState<{ key: string; answer: T } | null>(null);
  useEffect(() => {
    if (answer !== undefined) setKept({ key, answer });
  }, [answer, key]);
  if (answer !== undefined) return answer;
  return kept?.key === key ? kept.answer : undefined;
}
