import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { queueEventStream, topicOf } from "~/modules/queue/hub.server";

const locationParam = z.string().uuid().optional();

/** Live updates for the staff queue screens: one location (?location=) or, without it, the whole clinic. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId, db } = await requireStaff(request, context, "queue.events");
  const parsed = locationParam.safeParse(new URL(request.url).searchParams.get("location") ?? undefined);
  if (!parsed.success) throw notFound();
  if (parsed.data) {
    const found = await db.tx((tx) => tx.location.findFirst({ where: { clinicId, id: parsed.data }, select: { id: true } }));
    if (!found) throw notFound();
  }
  return queueEventStream(request, topicOf(clinicId, parsed.data ?? "*"), { kind: "staff" });
}
