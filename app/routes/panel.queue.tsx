import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { PanelHeading } from "~/components/panel-shell";
import { LiveBadge, useLastingAnswer, useLiveRevalidate } from "~/components/queue/live";
import { AnswerBanner, CallForm, StepButton, TicketNumber, WaitLine } from "~/components/queue/ticket-parts";
import { Pill } from "~/components/status-badge";
import { PatientAlerts } from "~/components/patient-alerts";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay } from "~/lib/format";
import { clinicSiteOrigin } from "~/utils/public-urls.server";
import { mayUse } from "~/modules/clinic/panel-nav";
import { queueLocations } from "~/modules/queue/board.server";
import { deskQueueForm, doctorMembershipOf, invalidForm, runDeskAction, type QueueAnswer } from "~/modules/queue/panel.server";
import { locationQueue, type QueueTicketView } from "~/modules/queue/queue-views.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Queue · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles, actor, clinic, db } = await requireStaff(request, context, "queue.read");
  const desk = mayUse("queue", roles);
  // A doctor without a desk role sees the queue read-only, and only their own patients.
  const doctorId = desk ? null : await doctorMembershipOf(db, staff.id);
  const locations = await queueLocations(db);
  const wanted = new URL(request.url).searchParams.get("location");
  const location = wanted ? locations.find((l) => l.id === wanted) : locations[0];
  if (!location) {
    if (wanted) throw notFound();
    return { desk, location: null, locations: [], queue: null, boardUrl: null, title: "" };
  }
  const queue = await locationQueue(db, clinic, location.id, actor, { doctorId });
  return {
    desk,
    location: { id: location.id, name: location.name },
    locations: locations.map((l) => ({ id: l.id, name: l.name })),
    queue,
    boardUrl: desk ? `${clinicSiteOrigin(clinic.slug)}/board/${location.boardToken}` : null,
    title: formatLocalDay(queue.day),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "queue");
  const form = deskQueueForm.safeParse(await readForm(request));
  if (!form.success) return invalidForm(form.error);
  return runDeskAction(db, clinic, form.data, actor);
}

function groupByDoctor(tickets: QueueTicketView[]) {
  const groups = new Map<string, { doctorName: string; tickets: QueueTicketView[] }>();
  for (const t of tickets) {
    const g = groups.get(t.doctorId) ?? { doctorName: t.doctorName || "Practitioner", tickets: [] };
    g.tickets.push(t);
    groups.set(t.doctorId, g);
  }
  return [...groups.values()].sort((a, b) => a.doctorName.localeCompare(b.doctorName));
}

function Column({ title, count, children, testId }: { title: string; count: number; children: React.ReactNode; testId: string }) {
  return (
    <section className="card p-4" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <h2 id={`${testId}-title`} className="mb-3 flex items-center justify-between text-lg font-semibold text-slate-900">
        {title}
        <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm font-semibold text-slate-700">{count}</span>
      </h2>
      {children}
    </section>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="rounded-lg bg-slate-50 px-3 py-3 text-sm text-slate-600">{children}</p>;
}

/** A check-in hours early asks first: the question, a box to tick and the same check-in again. */
function ConfirmEarlyCheckIn({ question, ask, busy }: { question: string; ask: { appointmentId: string; redirectTo: string | null }; busy: boolean }) {
  return (
    <Form method="post" className="mb-4 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="confirm-early-check-in">
      <p role="alert" className="font-semibold">
        {question}
      </p>
      <input type="hidden" name="intent" value="check-in" />
      <input type="hidden" name="appointmentId" value={ask.appointmentId} />
      {ask.redirectTo ? <input type="hidden" name="redirectTo" value={ask.redirectTo} /> : null}
      <label className="mt-2 flex min-h-11 items-center gap-2">
        <input type="checkbox" name="confirmEarly" value="yes" required className="h-4 w-4 accent-[var(--brand)]" />
        Yes, the patient is here and should be checked in now
      </label>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary min-h-11 px-4" disabled={busy}>
          Check in now
        </button>
        <Link to={ask.redirectTo ?? "/panel/queue"} className="btn-secondary min-h-11 px-4">
          Not now
        </Link>
      </div>
    </Form>
  );
}

export default function PanelQueue() {
  const { desk, location, locations, queue, boardUrl, title } = useLoaderData<typeof loader>();
  const answer = useLastingAnswer(useActionData<typeof action>() as QueueAnswer | undefined);
  const busy = useNavigation().state !== "idle";
  const live = useLiveRevalidate(location ? `/panel/queue/events?location=${location.id}` : null);
  const [copied, setCopied] = useState(false);

  if (!location || !queue) {
    return (
      <>
        <PanelHeading title="Queue" />
        <p className="card p-5 text-slate-700">This clinic has no locations yet. An owner adds them first.</p>
      </>
    );
  }
  const waiting = queue.tickets.filter((t) => t.state === "waiting");
  const called = queue.tickets.filter((t) => t.state === "called");
  const inside = queue.tickets.filter((t) => t.state === "in_consultation");
  const finished = queue.tickets.filter((t) => t.state === "done" || t.state === "left" || t.state === "no_show");

  return (
    <>
      <PanelHeading title="Queue">
        <div className="flex flex-wrap items-center gap-3">
          <span className="text-lg font-semibold text-slate-900">{location.name}</span>
          <span>{title}</span>
          <LiveBadge state={live} />
          {!desk ? <Pill tone="muted">Read only · your patients</Pill> : null}
        </div>
        {locations.length > 1 ? (
          <nav aria-label="Location" className="mt-3 flex flex-wrap gap-2">
            {locations.map((l) => (
              <Link key={l.id} to={`?location=${l.id}`} aria-current={l.id === location.id ? "page" : undefined} className={`${l.id === location.id ? "btn-primary" : "btn-secondary"} min-h-11 px-4`}>
                {l.name}
              </Link>
            ))}
          </nav>
        ) : null}
      </PanelHeading>
      {answer && !answer.ok && answer.confirmEarly ? <ConfirmEarlyCheckIn question={answer.message} ask={answer.confirmEarly} busy={busy} /> : <AnswerBanner answer={answer} />}

      <div className="grid gap-4 xl:grid-cols-2" data-testid="queue" data-location-id={location.id}>
        <Column title="To arrive" count={queue.arrivals.length} testId="queue-arrivals">
          {queue.arrivals.length ? (
            // A long day scrolls inside its card, so the queue's other columns stay in view.
            <ul className="-mx-1 max-h-[34rem] divide-y divide-slate-100 overflow-y-auto px-1 focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand" tabIndex={0} aria-label="Visits to arrive">
              {queue.arrivals.map((a) => (
                <li key={a.appointmentId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="arrival" data-appointment-id={a.appointmentId}>
                  <div className="min-w-0">
                    <p className="font-semibold text-slate-900">
                      <span className="tabular-nums">{a.time}</span> · {a.patientName}{" "}
                      <PatientAlerts alerts={a.patientAccountId && !a.forFamilyMember ? queue.alerts[a.patientAccountId] : null} compact />
                    </p>
                    <p className="text-sm text-slate-600">
                      {a.serviceName} · {a.doctorName}
                    </p>
                    <div className="mt-1 flex flex-wrap gap-2">
                      {a.late ? <Pill tone="warn">Late</Pill> : null}
                      {a.noShowProposed ? <Pill tone="warn">Proposed no-show</Pill> : null}
                    </div>
                  </div>
                  {desk ? (
                    <div className="flex flex-wrap gap-2">
                      <StepButton intent="check-in" appointmentId={a.appointmentId} label="Check in" tone="primary" busy={busy} />
                      {a.noShowProposed ? (
                        <>
                          <StepButton intent="confirm-no-show" appointmentId={a.appointmentId} label="Confirm no-show" busy={busy} />
                          <StepButton intent="dismiss-no-show" appointmentId={a.appointmentId} label="Keep booked" busy={busy} />
                        </>
                      ) : null}
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>Everyone booked for today has arrived, or no one is booked here today.</Empty>
          )}
        </Column>

        <Column title="Waiting" count={waiting.length} testId="queue-waiting">
          {waiting.length ? (
            <div className="space-y-4">
              {groupByDoctor(waiting).map((g) => (
                <div key={g.doctorName}>
                  <h3 className="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-600">{g.doctorName}</h3>
                  <ul className="divide-y divide-slate-100">
                    {g.tickets.map((t) => (
                      <li key={t.ticketId} className="py-3" data-testid="ticket" data-state={t.state} data-appointment-id={t.appointmentId}>
                        <div className="flex flex-wrap items-center gap-3">
                          <TicketNumber number={t.number} />
                          <span className="font-semibold text-slate-900">{t.patientName}</span>{" "}<PatientAlerts alerts={t.patientAccountId && !t.dependentId ? queue.alerts[t.patientAccountId] : null} compact />
                          {t.late ? <Pill tone="warn">Late</Pill> : null}
                          <Pill tone="muted">{t.checkedInVia === "self" ? "Checked in by phone" : "Checked in at desk"} {t.checkedInAt}</Pill>
                        </div>
                        <p className="mt-1 text-sm text-slate-600">
                          {t.time} · {t.serviceName} · <WaitLine position={t.position} minutes={t.estimatedWaitMin} />
                        </p>
                        {desk ? (
                          <div className="mt-2 flex flex-wrap items-end gap-2">
                            <CallForm appointmentId={t.appointmentId} rooms={queue.rooms} busy={busy} idSuffix={t.ticketId} />
                            <StepButton intent="left" appointmentId={t.appointmentId} label="Left" busy={busy} />
                            <StepButton intent="undo" appointmentId={t.appointmentId} label="Undo check-in" busy={busy} />
                          </div>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          ) : (
            <Empty>No one is waiting.</Empty>
          )}
        </Column>

        <Column title="Called" count={called.length} testId="queue-called">
          {called.length ? (
            <ul className="divide-y divide-slate-100">
              {called.map((t) => (
                <li key={t.ticketId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="ticket" data-state={t.state} data-appointment-id={t.appointmentId}>
                  <div>
                    <TicketNumber number={t.number} /> <span className="font-semibold text-slate-900">{t.patientName}</span>{" "}<PatientAlerts alerts={t.patientAccountId && !t.dependentId ? queue.alerts[t.patientAccountId] : null} compact />
                    <p className="text-sm text-slate-600">
                      → {t.roomName} · {t.doctorName} · called {t.since}
                    </p>
                  </div>
                  {desk ? (
                    <div className="flex flex-wrap gap-2">
                      <StepButton intent="start" appointmentId={t.appointmentId} label="Start" tone="primary" busy={busy} />
                      <StepButton intent="left" appointmentId={t.appointmentId} label="Not here" busy={busy} />
                      <StepButton intent="undo" appointmentId={t.appointmentId} label="Undo" busy={busy} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No one has been called.</Empty>
          )}
        </Column>

        <Column title="In consultation" count={inside.length} testId="queue-inside">
          {inside.length ? (
            <ul className="divide-y divide-slate-100">
              {inside.map((t) => (
                <li key={t.ticketId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="ticket" data-state={t.state} data-appointment-id={t.appointmentId}>
                  <div>
                    <TicketNumber number={t.number} /> <span className="font-semibold text-slate-900">{t.patientName}</span>{" "}<PatientAlerts alerts={t.patientAccountId && !t.dependentId ? queue.alerts[t.patientAccountId] : null} compact />
                    <p className="text-sm text-slate-600">
                      {t.roomName} · {t.doctorName} · since {t.since}
                    </p>
                  </div>
                  {desk ? (
                    <div className="flex flex-wrap gap-2">
                      <StepButton intent="finish" appointmentId={t.appointmentId} label="Finish" tone="primary" busy={busy} />
                      <StepButton intent="undo" appointmentId={t.appointmentId} label="Undo" busy={busy} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No visit is under way.</Empty>
          )}
        </Column>

        <Column title="Done" count={finished.length} testId="queue-done">
          {finished.length ? (
            <ul className="divide-y divide-slate-100">
              {finished.map((t) => (
                <li key={t.ticketId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="ticket" data-state={t.state} data-appointment-id={t.appointmentId}>
                  <div>
                    <TicketNumber number={t.number} /> <span className="text-slate-900">{t.patientName}</span>{" "}<PatientAlerts alerts={t.patientAccountId && !t.dependentId ? queue.alerts[t.patientAccountId] : null} compact />
                    <p className="text-sm text-slate-600">
                      {t.state === "done" ? `Finished ${t.since}` : `Left without being seen ${t.since}`} · {t.doctorName}
                    </p>
                  </div>
                  {desk ? <StepButton intent="undo" appointmentId={t.appointmentId} label="Undo" busy={busy} /> : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No visit has finished yet today.</Empty>
          )}
        </Column>

        {desk && boardUrl ? (
          <section className="card p-4" aria-labelledby="board-title">
            <h2 id="board-title" className="text-lg font-semibold text-slate-900">
              Waiting-room board
            </h2>
            <p className="mt-1 text-sm text-slate-600">Open this link on the waiting room's screen. It shows ticket numbers and initials only, and needs no sign-in, so keep it to that screen.</p>
            <label htmlFor="board-url" className="field-label mt-3">
              Board link for {location.name}
            </label>
            <div className="flex flex-wrap gap-2">
              <input id="board-url" readOnly value={boardUrl} className="field-input min-h-11 min-w-0 flex-1 font-mono text-sm" data-testid="board-url" onFocus={(e) => e.currentTarget.select()} />
              <button
                type="button"
                className="btn-secondary min-h-11 px-4"
                onClick={() => {
                  void navigator.clipboard?.writeText(boardUrl).then(() => setCopied(true));
                }}
              >
                {copied ? "Copied" : "Copy"}
              </button>
              <a href={boardUrl} target="_blank" rel="noreferrer" className="btn-secondary min-h-11 px-4">
                Open board
              </a>
            </div>
            <Form method="post" className="mt-3">
              <input type="hidden" name="locationId" value={location.id} />
              <button type="submit" name="intent" value="rotate-board" className="btn-secondary min-h-11 px-4" disabled={busy}>
                New link (the old one stops working)
              </button>
            </Form>
          </section>
        ) : null}
      </div>
    </>
  );
}
