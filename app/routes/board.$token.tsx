import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { ClinicBrand } from "~/components/clinic-mark";
import { LiveBadge, useLiveRevalidate } from "~/components/queue/live";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { findBoard } from "~/modules/queue/board.server";
import { boardView } from "~/modules/queue/queue-views.server";

export const meta: MetaFunction = () => [{ title: "Waiting room" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

/**
 * The waiting-room screen of one location. Its secret link is the permission (no sign-in on a TV);
 * it shows ticket numbers, initials and rooms, nothing else about anyone.
 */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const board = await findBoard(db, params.token);
  if (!board) throw notFound();
  const view = await boardView(db, clinic, board.id);
  return { clinicName: clinic.name, logoUrl: clinicLogoUrl(clinic), locationName: board.name, timeZone: clinic.timeZone, token: params.token!, ...view };
}

function Clock({ timeZone }: { timeZone: string }) {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const t = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(t);
  }, []);
  return <span className="tabular-nums">{now ? new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(now) : ""}</span>;
}

export default function Board() {
  const { clinicName, logoUrl, locationName, timeZone, token, called, inConsultation, waiting } = useLoaderData<typeof loader>();
  const live = useLiveRevalidate(`/board/${token}/events`);
  const [latest, ...earlier] = called;
  return (
    <main id="main" className="flex min-h-screen flex-col bg-slate-950 text-white" data-testid="board">
      <header className="flex items-center justify-between gap-6 bg-white px-8 py-4 text-slate-900">
        <div className="flex min-w-0 items-center gap-4">
          <ClinicBrand name={clinicName} logoUrl={logoUrl} nameClassName="truncate text-2xl font-bold tracking-tight" />
          <span className="text-xl text-slate-600">{locationName}</span>
        </div>
        <div className="flex items-center gap-5 text-3xl font-bold">
          <LiveBadge state={live} />
          <Clock timeZone={timeZone} />
        </div>
      </header>
      <div className="grid flex-1 gap-8 p-8 lg:grid-cols-[3fr_2fr]">
        <section aria-labelledby="calling" className="flex flex-col">
          <h1 id="calling" className="text-3xl font-semibold uppercase tracking-widest text-slate-300">
            Now calling
          </h1>
          {latest ? (
            <div aria-live="polite" className="mt-6 rounded-3xl bg-brand px-10 py-10 text-white shadow-2xl ring-4 ring-white/20" data-testid="board-latest">
              <p className="font-mono text-[7rem] font-black leading-none tabular-nums sm:text-[9rem]" data-testid="board-called-number">
                {latest.number}
              </p>
              <p className="mt-4 text-5xl font-bold sm:text-6xl">
                <span aria-hidden="true">→ </span>
                <span data-testid="board-called-room">{latest.room}</span>
              </p>
              <p className="mt-3 text-3xl text-white/90">{latest.initials}</p>
            </div>
          ) : (
            <p className="mt-6 rounded-3xl bg-slate-900 px-10 py-16 text-4xl text-slate-200 ring-1 ring-slate-700" data-testid="board-none-called">
              Please take a seat. Your number will appear here when it is your turn.
            </p>
          )}
          {earlier.length ? (
            <ul className="mt-6 grid gap-4 sm:grid-cols-2" data-testid="board-called">
              {earlier.map((c) => (
                <li key={c.number} className="rounded-2xl bg-slate-800 px-6 py-5 text-4xl font-bold">
                  <span className="font-mono tabular-nums">{c.number}</span> <span className="text-slate-300">→ {c.room}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <div className="flex flex-col gap-8">
          <section aria-labelledby="waiting-title" className="rounded-3xl bg-slate-900 p-6 ring-1 ring-slate-700">
            <h2 id="waiting-title" className="text-2xl font-semibold uppercase tracking-widest text-slate-300">
              Waiting <span className="text-slate-400">({waiting.length})</span>
            </h2>
            {waiting.length ? (
              <ul className="mt-4 grid grid-cols-2 gap-3 xl:grid-cols-3" data-testid="board-waiting">
                {waiting.map((w) => (
                  <li key={w.number} className="rounded-xl bg-slate-800 px-4 py-3">
                    <span className="block font-mono text-3xl font-bold tabular-nums">{w.number}</span>
                    <span className="text-xl text-slate-300">{w.initials}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-4 text-2xl text-slate-300">No one is waiting.</p>
            )}
          </section>
          <section aria-labelledby="inside-title" className="rounded-3xl bg-slate-900 p-6 ring-1 ring-slate-700">
            <h2 id="inside-title" className="text-2xl font-semibold uppercase tracking-widest text-slate-300">
              In consultation
            </h2>
            {inConsultation.length ? (
              <ul className="mt-4 space-y-2 text-3xl" data-testid="board-inside">
                {inConsultation.map((c) => (
                  <li key={c.number}>
                    <span className="font-mono font-bold tabular-nums">{c.number}</span> <span className="text-slate-300">· {c.room}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-4 text-2xl text-slate-300">—</p>
            )}
          </section>
        </div>
      </div>
    </main>
  );
}
