import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { OpenBadge } from "~/components/open-badge";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { DeskCountsStrip } from "~/components/desk-counts";
import { requireStaff } from "~/modules/auth/guards.server";
import { ROLE_LABELS } from "~/modules/clinic/labels";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { firstNameOf, formatLongDate, partOfDay, timeZoneCity } from "~/modules/clinic/display";
import { todayFigures } from "~/modules/clinic/today.server";

export const meta: MetaFunction = () => [{ title: "Today · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles, clinicId, clinic, db } = await requireStaff(request, context, "today");
  const { timeZone, name } = clinic;
  const now = new Date();
  const [locations, figures] = await Promise.all([listClinicLocations(db, { id: clinicId, timeZone }, now), todayFigures(db, { id: clinicId, timeZone }, { staffUserId: staff.id, roles }, now)]);
  const desk = roles.includes("owner") || roles.includes("secretary");
  return {
    greeting: `Good ${partOfDay(now, timeZone)}, ${firstNameOf(staff.name)}`,
    clinicName: name,
    date: formatLongDate(now, timeZone),
    timeZone,
    zoneName: timeZoneCity(timeZone),
    roles: roles.map((r) => ROLE_LABELS[r]),
    counts: figures.desk,
    tiles: desk
      ? [
          { label: "Visits today", value: figures.visitsToday, to: "/panel/desk", action: "Open the desk" },
          { label: "Waiting now", value: figures.waitingNow, to: "/panel/queue", action: "Open the queue" },
          { label: "Requests to answer", value: figures.desk?.requests.total ?? 0, to: "/panel/requests", action: "Answer requests" },
          { label: "Card problems", value: figures.desk?.cardProblems.total ?? 0, to: "/panel/desk#payment-problems", action: "See card problems" },
        ]
      : [
          { label: "My visits today", value: figures.visitsToday, to: "/panel/my-day", action: "Open my day" },
          { label: "Waiting for me", value: figures.waitingNow, to: "/panel/my-day", action: "Call the next patient" },
        ],
    locations: locations.map((l) => ({ id: l.id, name: l.name, address: l.addressLines[0] ?? "", todayText: l.todayText, isOpen: l.isOpen, openStateText: l.openStateText, nextChangeText: l.nextChangeText })),
  };
}

export default function PanelToday() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <PanelHeading title="Today">
        <p className="text-lg text-slate-800" data-testid="greeting">
          {data.greeting}.
        </p>
        <p className="mt-1">
          {data.clinicName} · <time data-testid="clinic-date">{data.date}</time>{" "}
          <span className="text-slate-500">
            ({data.zoneName}, {data.timeZone})
          </span>
        </p>
      </PanelHeading>

      <section aria-labelledby="glance-heading" className="mb-8">
        <h2 id="glance-heading" className="sr-only">
          At a glance
        </h2>
        <ul className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="today-tiles">
          {data.tiles.map((t) => (
            <li key={t.label}>
              <Link to={t.to} className="card flex h-full flex-col p-4 hover:border-brand focus-visible:ring-2 focus-visible:ring-brand">
                <span className="text-sm text-slate-600">{t.label}</span>
                <span className="mt-1 text-3xl font-bold tabular-nums text-slate-900">{t.value}</span>
                <span className="mt-2 text-sm font-medium text-brand">{t.action} →</span>
              </Link>
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-slate-600" data-testid="tiles-period">
          Visits and waiting count today on the clinic&apos;s clock{data.counts ? "; requests and card problems count the desk numbers' period below" : ""}.
        </p>
      </section>

      {data.counts ? <DeskCountsStrip counts={data.counts} /> : null}

      <section aria-labelledby="roles-heading" className="card p-5">
        <h2 id="roles-heading" className="text-sm font-semibold uppercase tracking-wider text-slate-600">
          Your roles here
        </h2>
        <ul className="mt-3 flex flex-wrap gap-2" data-testid="my-roles">
          {data.roles.map((r) => (
            <li key={r}>
              <Pill tone="brand">{r}</Pill>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="locations-heading" className="mt-8">
        <h2 id="locations-heading" className="text-lg font-semibold text-slate-900">
          Locations today
        </h2>
        {data.locations.length ? (
          <ul className="mt-4 grid gap-4 md:grid-cols-2">
            {data.locations.map((l) => (
              <li key={l.id} className="card p-5" data-testid="today-location">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <h3 className="font-semibold text-slate-900">{l.name}</h3>
                  <OpenBadge isOpen={l.isOpen} text={l.openStateText} showDetail />
                </div>
                <p className="mt-1 text-sm text-slate-600">{l.address}</p>
                <p className="mt-3 text-sm">
                  <span className="font-medium text-slate-700">Hours today: </span>
                  <span className="tabular-nums text-slate-900">{l.todayText}</span>
                </p>
                <p className="mt-1 text-sm text-slate-600">{l.nextChangeText}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="card mt-4 p-5 text-slate-700">This clinic has no locations yet.</p>
        )}
      </section>
    </>
  );
}
