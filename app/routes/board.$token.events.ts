import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { findBoard } from "~/modules/queue/board.server";
import { queueEventStream, topicOf } from "~/modules/queue/hub.server";

/** Live updates for a waiting-room board; the link itself is the permission. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const board = await findBoard(db, params.token);
  if (!board) throw notFound();
  return queueEventStream(request, topicOf(clinic.id, board.id), { kind: "public", link: `board:${board.id}`, ip: context.clientIp });
}
