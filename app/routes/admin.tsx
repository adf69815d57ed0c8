import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { SignOut } from "~/components/account-links";
import { MedslotMark } from "~/components/clinic-mark";
import { requireOperator } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [{ title: "Platform admin · Medslot" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  return { operatorName: staff.name };
}

export default function AdminLayout() {
  const { operatorName } = useLoaderData<typeof loader>();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-800 bg-slate-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <div className="flex items-center gap-6">
            <a href="/admin" className="flex items-center gap-2.5 rounded-lg">
              <MedslotMark />
              <span className="font-bold tracking-tight">
                Medslot <span className="font-medium text-slate-300">Platform admin</span>
              </span>
            </a>
            <nav aria-label="Platform admin">
              <ul className="flex gap-1">
                <li>
                  <NavLink
                    to="/admin"
                    className={({ isActive }) => `rounded-lg px-3 py-1.5 text-sm font-medium ${isActive ? "bg-white/15 text-white" : "text-slate-300 hover:text-white"}`}
                  >
                    Clinics
                  </NavLink>
                </li>
              </ul>
            </nav>
          </div>
          <div className="flex items-center gap-3">
            <span className="hidden text-sm text-slate-300 sm:inline">{operatorName}</span>
            <SignOut className="rounded-lg border border-slate-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-white/10" />
          </div>
        </div>
      </header>
      <main id="main" className="flex-1">
        <div className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
