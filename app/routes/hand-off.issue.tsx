import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getViewer, notFound, safeRedirectPath, sessionHostFor } from "~/modules/auth/guards.server";
import { handOffHost, handOffNameOf, handOffUrl, isHandOffState, issueHandOff } from "~/modules/auth/hand-off.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { getDb } from "~/utils/db.server";

/**
 * The host a patient comes from writes the hand-off for the host that asked (`to`). Not signed in
 * here: this host's sign-in first, then back to this step (on Medslot's own site, that is the
 * central sign-in for every clinic).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  const url = new URL(request.url);
  const next = safeRedirectPath(url.searchParams.get("next"));
  const state = url.searchParams.get("state");
  const to = await handOffHost(url.searchParams.get("to"));
  const here = handOffNameOf(site);
  const host = sessionHostFor(context);
  if (!to || !here || !host || to.name === here || !isHandOffState(state)) throw notFound();
  const viewer = await getViewer(request, context);
  if (viewer.kind !== "patient") return redirect(`/sign-in?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
  const token = await issueHandOff(getDb(), host, to, viewer.patient.id, state);
  return redirect(handOffUrl(to.origin, "/hand-off/accept", { token, next }), { headers: { "Referrer-Policy": "no-referrer" } });
}
