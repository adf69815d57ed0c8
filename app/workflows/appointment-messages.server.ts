import { Prisma } from "~/generated/prisma/client";
import { getDb, type Db } from "~/utils/db.server";

/**
 * What the appointment message workflows share: the event data they read, the cancellation rules
 * and the fresh look at the appointment each step takes before it sends anything.
 */

/** The part of an appointment event's data (booking.server.ts eventData) the workflows use. */
export interface AppointmentEventData {
  clinicId: string;
  appointmentId: string;
  status: string;
  start: string;
  patientAccountId: string | null;
  dependentId: string | null;
  rescheduledFromId: string | null;
  actor?: { type: string; id: string | null };
}

/** How long a confirmation (or change) waits, so a quick correction replaces it instead of adding one. */
export const CONFIRMATION_DELAY = "2m";
export const CONFIRMATION_DELAY_MS = 2 * 60_000;

/** The appointment was cancelled. */
export const CANCELLED = { event: "appointment.cancelled", if: "async.data.appointmentId == event.data.appointmentId" } as const;
/** The appointment was moved: the event is for the NEW appointment and names this one as its origin. */
export const MOVED = { event: "appointment.rescheduled", if: "async.data.rescheduledFromId == event.data.appointmentId" } as const;
export const NO_SHOW = { event: "appointment.no_show", if: "async.data.appointmentId == event.data.appointmentId" } as const;
export const DECLINED = { event: "appointment.declined", if: "async.data.appointmentId == event.data.appointmentId" } as const;

/** The database the workflows use (the server's, as the runtime role). */
export function workflowDb(): Db {
  return getDb();
}

export interface AppointmentState {
  id: string;
  status: string;
  startsAt: Date;
  rescheduledFromId: string | null;
}

export async function readAppointmentState(db: Db, clinicId: string, appointmentId: string): Promise<AppointmentState | null> {
  return db.forClinic(clinicId).tx((tx) =>
    tx.appointment.findUnique({
      where: { clinicId_id: { clinicId, id: appointmentId } },
      select: { id: true, status: true, startsAt: true, rescheduledFromId: true },
    }),
  );
}

/** Whether the visit, or any visit it was moved from, has had a confirmation or change message sent. */
export async function chainWasConfirmed(db: Db, clinicId: string, appointmentId: string): Promise<boolean> {
  const [row] = await db.forClinic(clinicId).tx((tx) =>
    tx.$queryRaw<{ confirmed: boolean }[]>(Prisma.sql`
      WITH RECURSIVE chain AS (
        SELECT id, rescheduled_from_id, 1 AS depth FROM appointments WHERE clinic_id = ${clinicId}::uuid AND id = ${appointmentId}::uuid
        UNION ALL
        SELECT a.id, a.rescheduled_from_id, c.depth + 1 FROM appointments a JOIN chain c ON a.clinic_id = ${clinicId}::uuid AND a.id = c.rescheduled_from_id
         WHERE c.depth < 50
      )
      SELECT EXISTS (
        SELECT 1 FROM message_deliveries d
         WHERE d.clinic_id = ${clinicId}::uuid AND d.appointment_id IN (SELECT id FROM chain)
           AND d.kind IN ('booking_confirmation', 'booking_change', 'reminder') AND d.status IN ('sent', 'delivered')
      ) AS confirmed`),
  );
  return Boolean(row?.confirmed);
}
