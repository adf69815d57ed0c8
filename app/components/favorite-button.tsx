import { useFetcher, useLocation } from "@remix-run/react";

export interface FavoriteTarget {
  kind: "clinic" | "service" | "doctor";
  clinicId: string;
  targetId: string;
  /** What is saved, for screen readers: "Northside Family Clinic", "Dental cleaning". */
  name: string;
}

/**
 * Saves or removes a favorite. A plain form without JavaScript (the page reloads where it was); with
 * it, the button changes at once and the page's data catches up. Signed-out patients are sent to
 * sign in and back.
 */
export function FavoriteButton({
  target,
  saved,
  compact = false,
  removeOnly = false,
}: {
  target: FavoriteTarget;
  saved: boolean;
  compact?: boolean;
  removeOnly?: boolean;
}) {
  const fetcher = useFetcher<{ message?: string }>();
  const location = useLocation();
  const pendingIntent = fetcher.formData?.get("intent");
  const pressed = pendingIntent ? pendingIntent === "add" : saved;
  const problem = fetcher.state === "idle" ? fetcher.data?.message : undefined;
  return (
    <fetcher.Form
      method="post"
      action="/favorites"
      className="inline-flex flex-col items-start"
      data-testid={`favorite-${target.kind}`}
    >
      <input type="hidden" name="intent" value={pressed ? "remove" : "add"} />
      <input type="hidden" name="kind" value={target.kind} />
      <input type="hidden" name="clinicId" value={target.clinicId} />
      <input type="hidden" name="targetId" value={target.targetId} />
      <input
        type="hidden"
        name="redirectTo"
        value={`${location.pathname}${location.search}`}
      />
      {removeOnly ? (
        <button
          type="submit"
          className="btn-secondary min-h-11 px-4 py-2.5"
          data-testid="favorite-remove"
        >
          {fetcher.state === "idle" ? "Remove" : "Removing…"}
          <span className="sr-only"> {target.name} from your favorites</span>
        </button>
      ) : (
        <button
          type="submit"
          aria-pressed={pressed}
          title={pressed ? "Saved to your favorites" : "Save to your favorites"}
          className={`inline-flex min-h-11 items-center gap-1.5 rounded-full px-3 text-sm font-semibold ring-1 transition-colors ${
            pressed
              ? "bg-rose-50 text-rose-800 ring-rose-200 hover:bg-rose-100"
              : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
          }`}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5">
            <path
              d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.8 4.5c2.2 0 3.7 1.2 5.2 3 1.5-1.8 3-3 5.2-3 3.8 0 5.9 3.9 4.4 7.3C19.5 16.4 12 21 12 21Z"
              fill={pressed ? "currentColor" : "none"}
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinejoin="round"
            />
          </svg>
          <span className={compact ? "sr-only" : undefined}>Favorite</span>
          <span className="sr-only"> {target.name}</span>
        </button>
      )}
      {problem ? (
        <p role="alert" className="mt-1 text-sm text-rose-800">
          {problem}
        </p>
      ) : null}
    </fetcher.Form>
  );
}
