/**
 * A visit dragged (or moved by keyboard) on the desk's grid, and the undo of that move. Both go
 * through the booking kernel's reschedule, so the conflict rules are every booking's: a taken time
 * is refused and nothing changes; inside the cancellation window a reason is needed and recorded.
 * The grid sends wall time (a local date and minute) and the clinic's zone makes it an instant.
 */
import { z } from "zod";
import type { Actor } from "~/lib/actor";
import { LOCAL_DATE_PATTERN, utcToZoned, zonedToUtc } from "~/lib/zoned-time";
import { recordAudit } from "~/modules/audit/audit.server";
import { rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { claiming } from "~/modules/scheduling/booking.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { SlotTakenError } from "~/modules/scheduling/slot-taken-error";
import type { ClinicDb } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { clock, type CalendarMoveAnswer } from "./calendar-grid";

export type { CalendarMoveAnswer };

const optionalId = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined)
  .pipe(z.string().uuid("Choose a doctor, room or location of this clinic.").optional());

export const calendarMoveForm = z.object({
  intent: z.enum(["move", "undo"], { error: "Say whether to move the visit or undo a move." }),
  appointmentId: z.string().uuid("Choose a visit to move."),
  date: z.string().regex(LOCAL_DATE_PATTERN, "Choose the day to move the visit to."),
  minute: z.coerce.number({ error: "Choose the time to move the visit to." }).int().min(0).max(1439),
  doctor: optionalId,
  location: optionalId,
  room: optionalId,
  overrideReason: z.string().trim().max(500, "Keep the reason under 500 characters.").optional(),
});
export type CalendarMove = z.infer<typeof calendarMoveForm>;

/** "Tue 8 Dec 10:30" on the clinic's clock. */
export function shortWhen(at: Date, timeZone: string): string {
  const local = utcToZoned(at, timeZone);
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(`${local.date}T12:00:00Z`)).replace(",", "");
  return `${day} ${clock(local.minutes)}`;
}

/** An undo takes back a move made a moment ago; that is its reason when one is needed. */
const UNDO_REASON = "Undo of a move just made on the calendar";

export async function moveOnCalendar(db: ClinicDb, clinic: ClinicRef, move: CalendarMove, actor: Actor, now = new Date()): Promise<CalendarMoveAnswer> {
  const start = zonedToUtc(move.date, move.minute, clinic.timeZone);
  let before: { startsAt: Date; doctorId: string; locationId: string; roomId: string | null } | null = null;
  try {
    return await db.tx(async (tx) => {
      before = await tx.appointment.findFirst({ where: { clinicId: clinic.id, id: move.appointmentId }, select: { startsAt: true, doctorId: true, locationId: true, roomId: true } });
      if (!before) throw new NotFoundError("There is no appointment with this id at this clinic.");
      const room = move.room ? await tx.room.findFirst({ where: { clinicId: clinic.id, id: move.room, active: true }, select: { id: true, name: true, type: true, locationId: true } }) : null;
      if (move.room && !room) throw new ValidationError("This room is not one of the clinic's rooms.", [{ path: "room", message: "is not a room of this clinic" }]);
      const overrideReason = move.overrideReason || (move.intent === "undo" ? UNDO_REASON : null);
      const moved = await rescheduleAppointment(tx, clinic, { appointmentId: move.appointmentId, start, practitionerId: move.doctor ?? before.doctorId, locationId: room?.locationId ?? move.location ?? null, overrideReason }, actor, now);
      if (room && moved.roomId !== room.id) {
        // The kernel chose a free room of the right type; the desk asked for this one. The room's
        // exclusion constraint refuses it when it is taken, and the whole move rolls back.
        const service = await tx.service.findFirst({ where: { clinicId: clinic.id, id: moved.serviceId }, select: { roomType: true } });
        if (service?.roomType && service.roomType !== room.type) {
          throw new ValidationError(`${room.name} is not the kind of room this visit needs.`, [{ path: "room", message: "is the wrong type of room" }]);
        }
        await claiming(() => tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: moved.id } }, data: { roomId: room.id } }));
      }
      const when = shortWhen(moved.start, clinic.timeZone);
      const from = utcToZoned(before.startsAt, clinic.timeZone);
      await recordAudit(tx, {
        clinicId: clinic.id,
        actor: { type: "staff", id: actor.id },
        action: move.intent === "undo" ? "appointment.move_undone_on_calendar" : "appointment.moved_on_calendar",
        target: { type: "appointment", id: moved.id },
        request: actor.request ?? null,
        details: {
          previousAppointmentId: move.appointmentId,
          previousStart: before.startsAt.toISOString(),
          start: moved.start.toISOString(),
          previousDoctorId: before.doctorId,
          doctorId: moved.practitionerId,
          roomId: room?.id ?? moved.roomId,
          reason: overrideReason,
        },
      });
      return {
        ok: true as const,
        message: move.intent === "undo" ? `Moved back to ${when}` : `Moved to ${when}`,
        appointmentId: moved.id,
        undo: { appointmentId: moved.id, date: from.date, minute: from.minutes, doctor: before.doctorId, location: before.locationId, room: before.roomId },
        undone: move.intent === "undo",
      };
    });
  } catch (error) {
    const stays = before ? ` The visit stays at ${shortWhen((before as { startsAt: Date }).startsAt, clinic.timeZone)}.` : "";
    if (error instanceof SlotTakenError) {
      const what = move.intent === "undo" ? `The old time, ${shortWhen(start, clinic.timeZone)}, was taken meanwhile.` : `${shortWhen(start, clinic.timeZone)} is taken.`;
      return { ok: false, message: `${what}${stays}`, field: "start", status: 409 };
    }
    if (error instanceof ValidationError) return { ok: false, message: `${error.message}${error.errors[0]?.path === "overrideReason" ? "" : stays}`, field: error.errors[0]?.path, status: 422 };
    if (error instanceof NotFoundError) return { ok: false, message: error.message, status: 404 };
    if (error instanceof ConflictError) return { ok: false, message: `${error.message}${stays}`, status: 409 };
    throw error;
  }
}
