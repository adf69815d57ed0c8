import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatPhone } from "~/lib/phone";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay, formatTime } from "~/lib/format";
import { visitStatusWords } from "~/components/desk-ui";
import { boardQuery, printableDay } from "~/modules/front-desk/board.server";

export const meta: MetaFunction = () => [{ title: "Day list · Staff panel" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "desk.print");
  const query = boardQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await printableDay(db, clinic, { day: query.day, location: query.location }, actor);
  const tz = clinic.timeZone;
  return {
    clinicName: clinic.name,
    title: formatLocalDay(list.day),
    day: list.day,
    locationName: list.location?.name ?? "All locations",
    count: list.count,
    printedAt: formatTime(new Date(), tz),
    doctors: list.doctors.map((d) => ({
      doctorName: d.doctorName,
      visits: d.visits.map((v) => ({
        id: v.id,
        time: `${formatTime(v.start, tz)}–${formatTime(v.end, tz)}`,
        patientName: v.patientName,
        serviceName: v.serviceName,
        phone: v.phone ? formatPhone(v.phone) : "",
        note: v.note ?? "",
        room: v.roomName ?? "",
        status: v.status,
      })),
    })),
  };
}

export default function PrintDayList() {
  const data = useLoaderData<typeof loader>();
  return (
    <main id="main" className="mx-auto max-w-4xl bg-white p-6 text-slate-900 print:max-w-none print:p-0" data-testid="print-list">
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-300 pb-3">
        <div>
          <h1 className="text-2xl font-bold">
            {data.clinicName} · {data.title}
          </h1>
          <p className="text-sm text-slate-700">
            {data.locationName} · {data.count} {data.count === 1 ? "visit" : "visits"} · printed at {data.printedAt}
          </p>
        </div>
        <div className="flex gap-2 print:hidden">
          <button type="button" className="btn-primary min-h-11 px-4" onClick={() => window.print()}>
            Print
          </button>
          <a href={`/panel/desk?day=${data.day}`} className="btn-secondary min-h-11 px-4">
            Back to the desk
          </a>
        </div>
      </header>
      {data.doctors.length ? (
        data.doctors.map((d) => (
          <section key={d.doctorName} className="mt-6 break-inside-avoid-page" data-testid="print-doctor">
            <h2 className="text-lg font-semibold">{d.doctorName}</h2>
            <table className="mt-2 w-full border-collapse text-sm">
              <thead>
                <tr className="border-b border-slate-400 text-left">
                  <th scope="col" className="py-1 pr-3 font-semibold">Time</th>
                  <th scope="col" className="py-1 pr-3 font-semibold">Patient</th>
                  <th scope="col" className="py-1 pr-3 font-semibold">Service</th>
                  <th scope="col" className="py-1 pr-3 font-semibold">Phone</th>
                  <th scope="col" className="py-1 font-semibold">Notes</th>
                </tr>
              </thead>
              <tbody>
                {d.visits.map((v) => (
                  <tr key={v.id} className="border-b border-slate-200 align-top break-inside-avoid">
                    <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums">{v.time}</td>
                    <td className="py-1.5 pr-3 font-medium">{v.patientName}</td>
                    <td className="py-1.5 pr-3">
                      {v.serviceName}
                      {v.room ? <span className="block text-xs text-slate-600">{v.room}</span> : null}
                    </td>
                    <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums">{v.phone}</td>
                    <td className="py-1.5">
                      {v.status !== "confirmed" ? <span className="mr-1 font-semibold">[{visitStatusWords(v.status)}]</span> : null}
                      {v.note}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))
      ) : (
        <p className="mt-6">No visits on this day.</p>
      )}
    </main>
  );
}
