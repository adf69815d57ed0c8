import { authorizeDeposit, captureAtWindow, ensureDeposit, MAX_AUTHORIZATION_ATTEMPTS, AUTHORIZATION_RETRY_MS, renewIfLapsing } from "~/modules/payments/deposits.server";
import { inngest } from "./client.server";
import { appDeps, asDate, type WorkflowDeps } from "./deps.server";

/**
 * One visit's deposit, from booking to the cancellation window (product.md, "Deposits and
 * payments"): the deposit exists once the visit is booked (made from the default card when the desk
 * or the clinic's software booked it); it is authorized off-session 5 days before the visit unless
 * that already happened at booking; a declined authorization is tried again once a day, and at once
 * when the patient saves a new card (deposit-card-saved); when the window opens it is captured.
 *
 * The run ends when the visit does: cancelled, declined, a no-show, the deposit waived, or the visit
 * moved (the moved visit's own `appointment.rescheduled` starts a new run for the new time, with
 * the deposit carried over). Every step re-reads the deposit under a lock and does nothing when it
 * no longer applies, so a duplicate run or a retried step is harmless.
 */
export function createDepositLifecycle(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "deposit-lifecycle",
      name: "Deposit: authorize, then capture when the window opens",
      triggers: [{ event: "appointment.booked" }, { event: "appointment.confirmed" }, { event: "appointment.rescheduled" }],
      cancelOn: [
        { event: "appointment.cancelled", match: "data.appointmentId" },
        { event: "appointment.declined", match: "data.appointmentId" },
        { event: "appointment.no_show", match: "data.appointmentId" },
        { event: "deposit.waived", match: "data.appointmentId" },
        {
          event: "appointment.rescheduled",
          if: "async.data.rescheduledFromId == event.data.appointmentId",
        },
      ],
      retries: 5,
    },
    async ({ event, step }) => {
      const { clinicId, appointmentId } = event.data as {
        clinicId: string;
        appointmentId: string;
      };
      const db = deps.db();

      const deposit = await step.run("deposit", async () => {
        let d = await ensureDeposit(db.forClinic(clinicId), deps.payments().name, appointmentId, deps.now());
        // A visit moved further out may need its hold let go, to be authorized again nearer the time.
        if (d && event.name === "appointment.rescheduled") d = await renewIfLapsing(db.forClinic(clinicId), deps.payments(), appointmentId, deps.now());
        return d ? { id: d.id, status: d.status, authorizeAt: d.authorizeAt, captureAt: d.captureAt } : null;
      });
      if (!deposit) return { outcome: "no deposit" };
      const captureAt = asDate(deposit.captureAt);

      let status: string = deposit.status;
      if (status === "pending" || status === "failed") {
        await step.sleepUntil("wait-to-authorize", asDate(deposit.authorizeAt));
        for (let attempt = 1; attempt <= MAX_AUTHORIZATION_ATTEMPTS; attempt++) {
          const result = await step.run(`authorize-${attempt}`, async () => {
            const r = await authorizeDeposit(db.forClinic(clinicId), deps.payments(), appointmentId, deps.now());
            return {
              outcome: r.outcome,
              status: r.deposit?.status ?? null,
              at: deps.now(),
            };
          });
          status = result.status ?? "gone";
          if (result.outcome !== "declined") break;
          // The patient was told (deposit.failed starts the message); try again tomorrow, not past the window.
          // From the step's own time: code outside steps runs again on every replay.
          const retryAt = new Date(Math.min(asDate(result.at).getTime() + AUTHORIZATION_RETRY_MS, captureAt.getTime()));
          if (attempt === MAX_AUTHORIZATION_ATTEMPTS || retryAt.getTime() >= captureAt.getTime()) break;
          await step.sleepUntil(`retry-${attempt}`, retryAt);
        }
      }

      await step.sleepUntil("wait-for-window", captureAt);
      const captured = await step.run("capture", async () => {
        const r = await captureAtWindow(db.forClinic(clinicId), deps.payments(), appointmentId, deps.now());
        return {
          action: r.action,
          why: r.why,
          status: r.deposit?.status ?? null,
        };
      });
      return {
        outcome: captured.action,
        why: captured.why,
        status: captured.status,
      };
    }
  );
}

export const depositLifecycle = createDepositLifecycle();
