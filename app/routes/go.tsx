import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getViewer, notFound, safeRedirectPath } from "~/modules/auth/guards.server";
import { handOffHost, handOffNameOf, handOffUrl } from "~/modules/auth/hand-off.server";
import { requireSite } from "~/modules/clinic/site-guard.server";

/**
 * A link to another Medslot host (`/go?to=northside&next=/account`): a signed-in patient arrives
 * signed in there too (app/modules/auth/hand-off.server.ts); anyone else simply goes there.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  const url = new URL(request.url);
  const next = safeRedirectPath(url.searchParams.get("next"));
  const to = await handOffHost(url.searchParams.get("to"));
  const from = handOffNameOf(site);
  if (!to || !from) throw notFound();
  if (to.name === from) return redirect(next);
  const viewer = await getViewer(request, context);
  if (viewer.kind !== "patient") return redirect(`${to.origin}${next}`);
  return redirect(handOffUrl(to.origin, "/hand-off", { from, next }));
}
