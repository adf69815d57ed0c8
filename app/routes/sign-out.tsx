import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { forgetViewer, getSessionId, getViewer, sessionHostFor } from "~/modules/auth/guards.server";
import { clearSessionCookie, invalidateSession } from "~/modules/auth/session.server";
import { getDb } from "~/utils/db.server";

/** Signing out is a POST (a link or an image could otherwise sign people out). */
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const host = sessionHostFor(context);
  const viewer = await getViewer(request, context);
  const sessionId = await getSessionId(request, context);
  if (host && sessionId) await invalidateSession(getDb(), host, sessionId);
  forgetViewer(context);
  const to = viewer.kind === "staff" ? "/staff/sign-in" : "/";
  return redirect(to, { headers: { "Set-Cookie": clearSessionCookie(request) } });
}
