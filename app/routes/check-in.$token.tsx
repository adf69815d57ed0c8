import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ClinicHeader } from "~/components/clinic-header";
import { LiveBadge, useLiveRevalidate } from "~/components/queue/live";
import { SiteFooter } from "~/components/site-footer";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { formatDateTime, formatTime } from "~/lib/format";
import { selfCheckInWindow, stateWords, waitWords } from "~/modules/queue/rules";
import { patientQueueView } from "~/modules/queue/queue-views.server";
import { checkIn } from "~/modules/queue/tickets.server";
import { readCheckInToken } from "~/modules/queue/tokens.server";
import { useRootData } from "~/components/root-data";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Check in" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

/**
 * The patient's own check-in page, from the link (or QR code) in their confirmation and reminders.
 * The signed link is the permission: a patient arriving need not sign in. It shows only their own
 * visit and their place in line.
 */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const appointmentId = readCheckInToken(clinic.id, params.token);
  if (!appointmentId) throw notFound();
  const now = new Date();
  const view = await patientQueueView(db, clinic, appointmentId, now);
  if (!view) throw notFound();
  const window = selfCheckInWindow(view.start, view.end, now);
  return {
    token: params.token!,
    visit: {
      serviceName: view.serviceName,
      doctorName: view.doctorName,
      locationName: view.locationName,
      when: formatDateTime(view.start, clinic.timeZone),
      forName: view.forName,
    },
    status: view.status,
    ticket: view.ticket,
    window: window.open ? { open: true as const } : { open: false as const, reason: window.reason, opensAt: window.opensAt ? formatTime(window.opensAt, clinic.timeZone) : null },
  };
}

const hereForm = z.object({ intent: z.literal("here") });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const appointmentId = readCheckInToken(clinic.id, params.token);
  if (!appointmentId) throw notFound();
  if (!hereForm.safeParse(await readForm(request)).success) return data({ ok: false, message: "Press “I'm here” to check in." }, { status: 400 });
  const view = await patientQueueView(db, clinic, appointmentId);
  if (!view) throw notFound();
  try {
    const r = await checkIn(db, clinic, { appointmentId, via: "self" }, { type: "patient", id: view.patientAccountId, request: auditContextFromRequest(request, context) });
    return data({ ok: true, message: `You're checked in. Your number is ${r.number}.` });
  } catch (error) {
    if (error instanceof ValidationError) return data({ ok: false, message: error.message }, { status: 422 });
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
}

const CLOSED_STATUS: Record<string, string> = {
  cancelled: "This visit was cancelled. To book another time, visit the clinic's site.",
  rescheduled: "This visit was moved to another time; use the link in the newest message about it.",
  no_show: "This visit was marked as missed. Please talk to the front desk.",
  declined: "This request was declined by the clinic.",
  requested: "The clinic has not confirmed this visit yet.",
  completed: "Your visit is finished. Thank you for coming!",
};

function ordinal(n: number) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
}

export default function CheckInPage() {
  const { token, visit, status, ticket, window } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as { ok: boolean; message: string } | undefined;
  const busy = useNavigation().state !== "idle";
  const root = useRootData();
  const clinic = root?.site.kind === "clinic" ? root.site.clinic : null;
  const live = useLiveRevalidate(ticket && ["waiting", "called", "in_consultation"].includes(ticket.state) ? `/check-in/${token}/events` : null);

  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      {clinic ? <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={root?.viewer ?? { kind: "anonymous" }} /> : null}
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-xl px-4 pb-12 pt-6 sm:px-6 sm:pt-10">
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Check in</h1>
          <section className="card mt-4 p-5" aria-label="Your visit">
            <p className="text-lg font-semibold text-slate-900">{visit.serviceName}</p>
            <p className="text-slate-700">
              {visit.forName ? `For ${visit.forName}, with ` : "With "}
              {visit.doctorName}
            </p>
            <p className="text-slate-700">{visit.when}</p>
            <p className="text-slate-700">{visit.locationName}</p>
          </section>

          {answer && !answer.ok ? (
            <p role="alert" className="mt-4 rounded-xl bg-red-50 px-4 py-3 text-sm font-medium text-red-900 ring-1 ring-red-200" data-testid="check-in-answer">
              {answer.message}
            </p>
          ) : null}

          {ticket ? (
            <section className="card mt-4 p-6 text-center" aria-live="polite" data-testid="check-in-ticket" data-state={ticket.state}>
              <p className="text-sm font-semibold uppercase tracking-widest text-slate-600">Your number</p>
              <p className="mt-1 font-mono text-6xl font-black tabular-nums text-slate-900" data-testid="check-in-number">
                {ticket.number}
              </p>
              {ticket.state === "waiting" && ticket.position !== null ? (
                <div className="mt-4 space-y-1">
                  <p className="text-xl font-semibold text-slate-900" data-testid="check-in-position">
                    {ticket.position === 1 ? "You're next in line" : `You're ${ordinal(ticket.position)} in line`}
                  </p>
                  <p className="text-slate-700" data-testid="check-in-wait">
                    Estimated wait: {waitWords(ticket.estimatedWaitMin ?? 0)}
                  </p>
                  <p className="text-sm text-slate-600">Please stay in the waiting area; the screen there shows your number when it's your turn.</p>
                </div>
              ) : ticket.state === "called" ? (
                <p className="mt-4 rounded-2xl bg-brand px-4 py-4 text-2xl font-bold text-white" data-testid="check-in-called">
                  It's your turn: please go to {ticket.room}
                </p>
              ) : (
                <p className="mt-4 text-lg text-slate-800">{ticket.state === "in_consultation" ? "Your visit is under way." : ticket.state === "done" ? "Your visit is finished. Thank you for coming!" : `Your ticket was ${stateWords(ticket.state)}. Please talk to the front desk.`}</p>
              )}
              {["waiting", "called", "in_consultation"].includes(ticket.state) ? (
                <div className="mt-4 flex justify-center">
                  <LiveBadge state={live} />
                </div>
              ) : null}
            </section>
          ) : status !== "confirmed" ? (
            <p className="card mt-4 p-5 text-slate-800" data-testid="check-in-closed">
              {CLOSED_STATUS[status] ?? "This visit cannot be checked in. Please talk to the front desk."}
            </p>
          ) : window.open ? (
            <Form method="post" className="mt-6">
              <button type="submit" name="intent" value="here" className="btn-primary min-h-14 w-full text-lg" disabled={busy} data-testid="im-here">
                {busy ? "Checking you in…" : "I'm here"}
              </button>
              <p className="mt-2 text-center text-sm text-slate-600">Press this when you are at the clinic. You will get a number and see your place in line.</p>
            </Form>
          ) : (
            <p className="card mt-4 p-5 text-slate-800" data-testid="check-in-window">
              {window.reason === "too_early" ? `Check-in opens at ${window.opensAt}, an hour before your visit. Come back to this page when you arrive.` : "Your visit's time is over, so it can no longer be checked in here. Please talk to the front desk."}
            </p>
          )}
        </div>
      </main>
      <SiteFooter marketplaceUrl={root?.marketplaceUrl ?? "/"} clinicName={clinic?.name} />
    </div>
  );
}
