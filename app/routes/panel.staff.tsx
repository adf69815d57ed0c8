import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { requireStaff } from "~/modules/auth/guards.server";
import { ROLE_LABELS, WORK_STATUS_LABELS } from "~/modules/clinic/labels";
import { listClinicStaff } from "~/modules/clinic/staff-directory.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Staff · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId, staff } = await requireStaff(request, context, ["owner"]);
  const members = await listClinicStaff(getDb(), clinicId);
  return { members, me: staff.id };
}

export default function PanelStaff() {
  const { members, me } = useLoaderData<typeof loader>();
  const active = members.filter((m) => m.active).length;
  return (
    <>
      <PanelHeading title="Staff">
        <p>
          {active} active {active === 1 ? "member" : "members"} of staff
          {members.length > active ? `, ${members.length - active} inactive` : ""}.
        </p>
      </PanelHeading>
      {/* Phones get one card per person; a five-column table does not fit 360 px. */}
      <ul className="space-y-3 md:hidden" data-testid="staff-list">
        {members.map((m) => (
          <li key={m.staffUserId} className={`card p-4 ${m.active ? "" : "opacity-80"}`}>
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="font-semibold text-slate-900">
                  {m.name}
                  {m.staffUserId === me ? <span className="ml-1.5 text-xs font-medium text-slate-600">(you)</span> : null}
                </p>
                <p className="truncate text-sm text-slate-600">{m.email}</p>
              </div>
              {m.active ? <Pill tone="good">Active</Pill> : <Pill tone="muted">Inactive</Pill>}
            </div>
            <div className="mt-3 flex flex-wrap items-center gap-1.5">
              {m.roles.map((r) => (
                <Pill key={r} tone={r === "owner" ? "brand" : "neutral"}>
                  {ROLE_LABELS[r]}
                </Pill>
              ))}
              {m.workStatus ? <Pill tone={m.workStatus === "active" ? "good" : m.workStatus === "on_leave" ? "warn" : "muted"}>{WORK_STATUS_LABELS[m.workStatus]}</Pill> : null}
            </div>
            {m.specialty ? <p className="mt-2 text-sm text-slate-700">{m.specialty}</p> : null}
          </li>
        ))}
      </ul>
      <div className="card hidden overflow-hidden md:block">
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-left text-sm" data-testid="staff-table">
            <caption className="sr-only">Staff of this clinic with their roles and status</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wider text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-3 font-semibold">Name</th>
                <th scope="col" className="px-4 py-3 font-semibold">Roles</th>
                <th scope="col" className="px-4 py-3 font-semibold">Specialty</th>
                <th scope="col" className="px-4 py-3 font-semibold">Work status</th>
                <th scope="col" className="px-4 py-3 font-semibold">Account</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.map((m) => (
                <tr key={m.staffUserId} className={m.active ? "" : "text-slate-500"}>
                  <th scope="row" className="px-4 py-3 font-normal">
                    <span className="block font-semibold text-slate-900">
                      {m.name}
                      {m.staffUserId === me ? <span className="ml-1.5 text-xs font-medium text-slate-600">(you)</span> : null}
                    </span>
                    <span className="block text-slate-600">{m.email}</span>
                  </th>
                  <td className="px-4 py-3">
                    <span className="flex flex-wrap gap-1.5">
                      {m.roles.map((r) => (
                        <Pill key={r} tone={r === "owner" ? "brand" : "neutral"}>
                          {ROLE_LABELS[r]}
                        </Pill>
                      ))}
                    </span>
                  </td>
                  <td className="px-4 py-3 text-slate-800">{m.specialty ?? "—"}</td>
                  <td className="px-4 py-3">
                    {m.workStatus ? <Pill tone={m.workStatus === "active" ? "good" : m.workStatus === "on_leave" ? "warn" : "muted"}>{WORK_STATUS_LABELS[m.workStatus]}</Pill> : "—"}
                  </td>
                  <td className="px-4 py-3">{m.active ? <Pill tone="good">Active</Pill> : <Pill tone="muted">Inactive</Pill>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
