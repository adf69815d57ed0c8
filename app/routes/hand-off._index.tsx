import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getViewer, notFound, safeRedirectPath } from "~/modules/auth/guards.server";
import { handOffHost, handOffNameOf, handOffUrl, newHandOffState } from "~/modules/auth/hand-off.server";
import { requireSite } from "~/modules/clinic/site-guard.server";

/**
 * The host a patient is going to asks the host they come from (`from`) for a hand-off, keeping a
 * state of this browser's in a cookie (decision 042). Already signed in here: straight on.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  const url = new URL(request.url);
  const next = safeRedirectPath(url.searchParams.get("next"));
  const from = await handOffHost(url.searchParams.get("from"));
  const here = handOffNameOf(site);
  if (!from || !here) throw notFound();
  const viewer = await getViewer(request, context);
  if (from.name === here || viewer.kind === "patient") return redirect(next);
  if (viewer.kind === "staff") return redirect(next);
  const { state, cookie } = newHandOffState(request);
  return redirect(handOffUrl(from.origin, "/hand-off/issue", { to: here, state, next }), { headers: { "Set-Cookie": cookie } });
}
