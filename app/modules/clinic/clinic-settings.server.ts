/**
 * The clinic's booking policy defaults, as the owner sets them on /panel/settings.
 *
 * Cancellation window: each service carries its own (services.cancellation_window_min) and each
 * appointment the window it was booked under, so changing it never moves the rules of a visit
 * already booked. A clinic thinks of "our cancellation policy" as one rule, so saving sets the
 * clinic's default (what a new service starts with) and, unless the owner unticks it, applies the
 * same window to every existing service in the same transaction.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ClinicDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { MAX_CANCELLATION_WINDOW_HOURS } from "./branding";
import type { ChangeBy } from "./clinic-setup.server";

export { MAX_CANCELLATION_WINDOW_HOURS };

export const cancellationPolicyForm = z.object({
  // An emptied field is a missing answer, not 0 (which would let patients cancel until the start).
  hours: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: "Write the number of hours, e.g. 48." })
      .int("Whole hours only, e.g. 24 or 48.")
      .min(
        0,
        "The window cannot be negative; 0 lets patients cancel until the visit starts."
      )
      .max(
        MAX_CANCELLATION_WINDOW_HOURS,
        `At most ${MAX_CANCELLATION_WINDOW_HOURS} hours (14 days).`
      )
  ),
  applyToServices: z.boolean(),
});

export interface CancellationPolicy {
  defaultWindowMin: number;
  /** The services' own windows: how many services use each. */
  serviceWindows: { windowMin: number; services: number }[];
  services: number;
}

export async function readCancellationPolicy(
  db: ClinicDb
): Promise<CancellationPolicy> {
  return db.tx(async (tx) => {
    const clinic = await tx.clinic.findUniqueOrThrow({
      where: { id: db.clinicId },
      select: { defaultCancellationWindowMin: true },
    });
    const groups = await tx.service.groupBy({
      by: ["cancellationWindowMin"],
      _count: { _all: true },
      orderBy: { cancellationWindowMin: "asc" },
    });
    return {
      defaultWindowMin: clinic.defaultCancellationWindowMin,
      serviceWindows: groups.map((g) => ({
        windowMin: g.cancellationWindowMin,
        services: g._count._all,
      })),
      services: groups.reduce((n, g) => n + g._count._all, 0),
    };
  });
}

/** The window a new service of this clinic starts with, in minutes. */
export async function clinicDefaultCancellationWindowMin(
  db: ClinicDb
): Promise<number> {
  const c = await db.tx((tx) =>
    tx.clinic.findUniqueOrThrow({
      where: { id: db.clinicId },
      select: { defaultCancellationWindowMin: true },
    })
  );
  return c.defaultCancellationWindowMin;
}

export async function saveCancellationPolicy(
  db: ClinicDb,
  input: z.input<typeof cancellationPolicyForm>,
  by: ChangeBy
) {
  const clinicId = db.clinicId;
  const parsed = cancellationPolicyForm.safeParse(input);
  if (!parsed.success)
    throw new ValidationError(
      "The cancellation window cannot be saved as it is.",
      fieldErrorsFromZod(parsed.error)
    );
  const windowMin = parsed.data.hours * 60;
  return db.tx(async (tx) => {
    const before = await tx.clinic.findUniqueOrThrow({
      where: { id: clinicId },
      select: { defaultCancellationWindowMin: true },
    });
    await tx.clinic.update({
      where: { id: clinicId },
      data: { defaultCancellationWindowMin: windowMin },
    });
    const services = parsed.data.applyToServices
      ? (
          await tx.service.updateMany({
            where: { cancellationWindowMin: { not: windowMin } },
            data: { cancellationWindowMin: windowMin },
          })
        ).count
      : 0;
    await recordAudit(tx, {
      clinicId,
      actor: by.actor,
      action: "settings.cancellation_updated",
      target: { type: "clinic", id: clinicId },
      request: by.request ?? null,
      details: {
        beforeMin: before.defaultCancellationWindowMin,
        afterMin: windowMin,
        appliedToServices: parsed.data.applyToServices,
        servicesChanged: services,
      },
    });
    return { windowMin, servicesChanged: services };
  });
}
