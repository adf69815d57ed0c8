/**
 * What the queue's panel pages share: their form schemas, the answer shape, and who the signed-in
 * doctor is at this clinic (their membership, which appointments name).
 */
import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { safeRedirectPath } from "~/modules/auth/guards.server";
import { markNoShow } from "~/modules/clinic/visits-day.server";
import type { Actor } from "~/lib/actor";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { rotateBoard } from "./board.server";
import { checkIn, dismissNoShowProposal, EarlyCheckInError, queueStep } from "./tickets.server";
import type { QueueClinic } from "./visit-row.server";
import { firstFieldError } from "~/lib/form-errors";

const id = z.string().uuid("Choose a visit from the list.");
const room = z.string().uuid("Choose a room to call the patient to.");

export const deskQueueForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("check-in"), appointmentId: id, redirectTo: z.string().max(500).optional(), confirmEarly: z.literal("yes", { message: "Tick the box to check in early." }).optional() }),
  z.object({ intent: z.literal("call"), appointmentId: id, roomId: room }),
  z.object({ intent: z.literal("start"), appointmentId: id }),
  z.object({ intent: z.literal("finish"), appointmentId: id }),
  z.object({ intent: z.literal("left"), appointmentId: id }),
  z.object({ intent: z.literal("undo"), appointmentId: id }),
  z.object({ intent: z.literal("confirm-no-show"), appointmentId: id }),
  z.object({ intent: z.literal("dismiss-no-show"), appointmentId: id }),
  z.object({ intent: z.literal("rotate-board"), locationId: z.string().uuid("Choose a location.") }),
]);

export const doctorQueueForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("call-next"), roomId: room }),
  z.object({ intent: z.literal("call"), appointmentId: id, roomId: room }),
  z.object({ intent: z.literal("start"), appointmentId: id }),
  z.object({ intent: z.literal("finish"), appointmentId: id }),
  z.object({ intent: z.literal("undo"), appointmentId: id }),
]);

export { doctorMembershipOf } from "~/modules/schedules/time-off.server";

export type QueueAnswer =
  | { ok: true; message: string; boardToken?: string }
  | { ok: false; message: string; field?: string; appointmentId?: string; /** A check-in that needs the desk's yes: ask, then post again with confirmEarly=yes. */ confirmEarly?: { appointmentId: string; redirectTo: string | null } };

/** A form that failed its schema: a 400 with the first message, nothing changed. */
export function invalidForm(error: z.ZodError) {
  return data<QueueAnswer>({ ok: false, ...firstFieldError(error) }, { status: 400 });
}

/** Domain refusals as answers: another clinic's (or doctor's) id is a 404, a refused step a 422. */
export async function answer(run: () => Promise<QueueAnswer>, appointmentId?: string) {
  try {
    return data<QueueAnswer>(await run());
  } catch (error) {
    if (error instanceof NotFoundError) return data<QueueAnswer>({ ok: false, message: error.message, appointmentId }, { status: 404 });
    if (error instanceof ValidationError) return data<QueueAnswer>({ ok: false, message: error.message, appointmentId, field: error.errors[0]?.path }, { status: 422 });
    throw error;
  }
}

/** The desk's actions on /panel/queue (also posted from other pages: intent=check-in with redirectTo). */
export async function runDeskAction(db: ClinicDb, clinic: QueueClinic, form: z.infer<typeof deskQueueForm>, actor: Actor) {
  if (form.intent === "check-in") {
    let result;
    try {
      const r = await checkIn(db, clinic, { appointmentId: form.appointmentId, via: "desk", confirmEarly: form.confirmEarly === "yes" }, actor);
      result = data<QueueAnswer>({ ok: true, message: `Checked in: ticket ${r.number}${r.late ? " (arrived late)" : ""}.` });
    } catch (error) {
      // Hours early: the page asks, and a yes posts the same check-in again with confirmEarly=yes.
      if (error instanceof EarlyCheckInError) {
        return data<QueueAnswer>({ ok: false, message: error.message, field: "confirmEarly", appointmentId: error.appointmentId, confirmEarly: { appointmentId: error.appointmentId, redirectTo: form.redirectTo ? safeRedirectPath(form.redirectTo, "/panel/queue") : null } }, { status: 409 });
      }
      result = await answer(() => Promise.reject(error), form.appointmentId);
    }
    if (form.redirectTo && result.data.ok) throw redirect(safeRedirectPath(form.redirectTo, "/panel/queue"));
    return result;
  }
  if (form.intent === "rotate-board") {
    return answer(async () => ({ ok: true, message: "The board has a new link; open it again on the waiting-room screen.", boardToken: await rotateBoard(db, form.locationId, actor) }));
  }
  if (form.intent === "confirm-no-show") {
    const r = await markNoShow(db, clinic, form.appointmentId, actor);
    if (!r.ok) return data<QueueAnswer>({ ok: false, message: r.message, appointmentId: form.appointmentId }, { status: /no appointment/i.test(r.message) ? 404 : 422 });
    return data<QueueAnswer>({ ok: true, message: r.message });
  }
  if (form.intent === "dismiss-no-show") {
    return answer(async () => {
      await dismissNoShowProposal(db, clinic, form.appointmentId, actor);
      return { ok: true, message: "Kept: the visit is no longer proposed as a no-show." };
    }, form.appointmentId);
  }
  return answer(async () => {
    const r = await queueStep(db, clinic, { appointmentId: form.appointmentId, step: form.intent, roomId: form.intent === "call" ? form.roomId : null }, actor);
    return { ok: true, message: r.message };
  }, form.appointmentId);
}
