import type { LoaderFunctionArgs } from "@remix-run/node";
import { assertDevOutboxAvailable, recipientFilter } from "~/modules/messaging/dev-outbox-route.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { getDb } from "~/utils/db.server";

/** The development outbox as JSON, newest first, for scripts and end-to-end tests. */
export async function loader({ request }: LoaderFunctionArgs) {
  assertDevOutboxAvailable();
  const to = recipientFilter(new URL(request.url).searchParams.get("to"));
  const messages = await listDevOutbox(getDb(), { to });
  return Response.json({ messages }, { headers: { "Cache-Control": "no-store" } });
}
