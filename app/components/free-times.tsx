import type { FreeTimeLink } from "~/modules/booking-flow/next-free-times.server";

/**
 * The next free times of one service (with one doctor or any), each a link into booking at that
 * time, or a plain line when nothing is free within the pages' horizon. `what` names the service
 * (and doctor) for screen readers, since every list looks alike.
 */
export function FreeTimes({ times, what, horizonDays, moreHref }: { times: FreeTimeLink[]; what: string; horizonDays: number; moreHref: string }) {
  if (times.length === 0) {
    return (
      <p className="text-sm text-slate-700" data-testid="no-free-times">
        Nothing free in the next {horizonDays >= 14 && horizonDays % 7 === 0 ? `${horizonDays / 7} weeks` : `${horizonDays} days`}.{" "}
        <a href={moreHref} className="font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
          See later dates<span className="sr-only"> for {what}</span>
        </a>
      </p>
    );
  }
  return (
    <div>
      <p className="text-sm font-medium text-slate-700">Next free</p>
      <ul className="mt-1.5 flex flex-wrap gap-2" aria-label={`Next free times for ${what}`} data-testid="free-times">
        {times.map((t) => (
          <li key={t.start}>
            <a
              href={t.href}
              className="inline-flex min-h-11 flex-col justify-center rounded-lg border border-brand/40 bg-white px-3 py-1 text-left leading-tight text-slate-900 hover:border-brand hover:bg-brand-soft focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand"
              data-testid="free-time"
            >
              <span className="text-xs font-medium text-slate-600">{t.day}</span>
              <span className="text-sm font-semibold">
                {t.time}
                <span className="sr-only">, book {what}</span>
              </span>
            </a>
          </li>
        ))}
        <li>
          <a href={moreHref} className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4" data-testid="more-times">
            More times<span className="sr-only"> for {what}</span>
          </a>
        </li>
      </ul>
    </div>
  );
}
