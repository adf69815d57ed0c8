import type { AffectedVisit } from "~/modules/schedules/weekly-schedule.server";

/** Booked visits a schedule change touches: when, who, what, where. */
export function VisitList({ visits }: { visits: AffectedVisit[] }) {
  return (
    <ul className="mt-3 space-y-1.5 text-sm text-slate-900">
      {visits.map((v) => (
        <li key={v.id} className="rounded-lg bg-white/70 px-3 py-2" data-testid="affected-visit">
          <span className="font-medium">{v.when}</span> · {v.patient} · {v.service}
          {v.location ? ` · ${v.location}` : ""}
        </li>
      ))}
    </ul>
  );
}
