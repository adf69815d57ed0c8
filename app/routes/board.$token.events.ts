import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/modules/auth/guards.server";
import { requireClinicSite } from "~/modules/clinic/site-guard.server";
import { findBoard } from "~/modules/queue/board.server";
import { queueEventStream, topicOf } from "~/modules/queue/hub.server";
import { getDb } from "~/utils/db.server";

/** Live updates for a waiting-room board; the link itself is the permission. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const clinic = requireClinicSite(request, context.site);
  const board = await findBoard(getDb(), clinic.id, params.token);
  if (!board) throw notFound();
  return queueEventStream(request, topicOf(clinic.id, board.id), { kind: "public", link: `board:${board.id}`, ip: context.clientIp });
}
