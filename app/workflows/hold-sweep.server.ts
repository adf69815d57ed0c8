import { sweepClinic } from "~/modules/platform/housekeeping.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/** Every five minutes, every clinic: expired holds and lapsed offers a missed event left behind. */
export function createHoldSweep(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "hold-sweep",
      name: "Holds and offers: sweep every clinic",
      triggers: [{ cron: "*/5 * * * *" }],
    },
    async ({ step }) => {
      const clinicIds = await step.run("clinics", async () => {
        const rows = await deps
          .db()
          .system("hold sweep: clinic list")
          .tx((tx) =>
            tx.clinic.findMany({
              where: { status: "live" },
              select: { id: true },
            })
          );
        return rows.map((r) => r.id);
      });
      let expiredHolds = 0;
      let lapsedOffers = 0;
      for (const clinicId of clinicIds) {
        const r = await step.run(`sweep-${clinicId}`, () => sweepClinic(deps.db().forClinic(clinicId), deps.now()));
        expiredHolds += r.expiredHolds;
        lapsedOffers += r.lapsedOffers;
      }
      return { clinics: clinicIds.length, expiredHolds, lapsedOffers };
    }
  );
}

export const holdSweep = createHoldSweep();
