import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { forgetViewer, notFound, safeRedirectPath, sessionHostFor } from "~/modules/auth/guards.server";
import { acceptHandOff, clearHandOffState } from "~/modules/auth/hand-off.server";
import { requestMeta } from "~/modules/auth/pending.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { getDb } from "~/utils/db.server";

/**
 * The host a patient goes to uses its hand-off once and starts its own session. A used, expired or
 * foreign one leads to this host's sign-in, which says so.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSite(request, context.site);
  const host = sessionHostFor(context);
  if (!host) throw notFound();
  const url = new URL(request.url);
  const next = safeRedirectPath(url.searchParams.get("next"));
  const started = await acceptHandOff(getDb(), host, request, url.searchParams.get("token"), requestMeta(request, context));
  const headers = new Headers({ "Referrer-Policy": "no-referrer" });
  headers.append("Set-Cookie", clearHandOffState(request));
  if (!started) return redirect(`/sign-in?${new URLSearchParams({ redirectTo: next, handOff: "expired" })}`, { headers });
  forgetViewer(context);
  headers.append("Set-Cookie", sessionCookie(request, started.token, started.session.expiresAt));
  return redirect(next, { headers });
}
