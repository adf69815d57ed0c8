import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { getViewer, safeRedirectPath } from "~/modules/auth/guards.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { addFavorite, favoriteFormSchema, parseFavoriteForm, removeFavorite } from "~/modules/favorites/favorites.server";
import { forgetPendingFavorite, keepPendingFavorite, PENDING_FAVORITE_PATH, readPendingFavorite } from "~/modules/favorites/pending-favorite.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";
import { DomainError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

/**
 * Saves or removes a favorite (the favorite button posts here), then goes back where the patient
 * was. A signed-out patient is sent to sign in and brought back to the page they were on.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  if (new URL(request.url).searchParams.get("pending") !== "1") return redirect("/account/favorites");
  // Back from signing in after a heart was tapped signed out: save it now, then return.
  const viewer = await getViewer(request, context);
  if (viewer.kind !== "patient") return redirect(`/sign-in?redirectTo=${encodeURIComponent(PENDING_FAVORITE_PATH)}`);
  const pending = readPendingFavorite(request);
  const headers = { "Set-Cookie": forgetPendingFavorite(request) };
  if (!pending) return redirect("/account/favorites", { headers });
  try {
    const where = { clinicId: site.kind === "clinic" ? site.clinic.id : null };
    await addFavorite(getDb(), where, { patientAccountId: viewer.patient.id, ...pending.favorite }, auditContextFromRequest(request, context));
  } catch (error) {
    // Something no longer published: nothing to save, and the page says what is there.
    if (!(error instanceof DomainError)) throw error;
  }
  return redirect(pending.back, { headers });
}

export const meta: MetaFunction = () => [{ title: "Favorites" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const site = requireSite(request, context.site);
  const raw = await readForm(request);
  const back = safeRedirectPath(typeof raw.redirectTo === "string" ? raw.redirectTo : null, "/account/favorites");
  const viewer = await getViewer(request, context);
  if (viewer.kind !== "patient") {
    // Keep a heart tapped signed out through sign-in (removing needs no keeping: nothing is saved yet).
    const parsed = favoriteFormSchema.safeParse(raw);
    if (!parsed.success || parsed.data.intent !== "add") return redirect(`/sign-in?redirectTo=${encodeURIComponent(back)}`);
    const { kind, clinicId, targetId } = parsed.data;
    return redirect(`/sign-in?redirectTo=${encodeURIComponent(PENDING_FAVORITE_PATH)}`, { headers: { "Set-Cookie": keepPendingFavorite(request, { favorite: { kind, clinicId, targetId }, back }) } });
  }
  try {
    const form = parseFavoriteForm(raw);
    const change = { patientAccountId: viewer.patient.id, kind: form.kind, clinicId: form.clinicId, targetId: form.targetId };
    const where = { clinicId: site.kind === "clinic" ? site.clinic.id : null };
    const audit = auditContextFromRequest(request, context);
    if (form.intent === "add") await addFavorite(getDb(), where, change, audit);
    else await removeFavorite(getDb(), where, change, audit);
  } catch (error) {
    if (error instanceof DomainError) return data<{ message: string; back: string }>({ message: error.message, back }, { status: error.status });
    throw error;
  }
  return redirect(back);
}

/** Shown only without JavaScript when a favorite could not be saved (the button shows it otherwise). */
export default function FavoriteProblem() {
  const answer = useActionData<{ message: string; back: string } | undefined>();
  const root = useRootData();
  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      {root?.site.kind === "marketplace" ? <MarketplaceHeader viewer={root.viewer} /> : null}
      <main id="main" className="mx-auto w-full max-w-xl flex-1 px-4 py-10">
        <div className="card p-6" role="alert">
          <h1 className="text-xl font-semibold text-slate-900">We could not update your favorites</h1>
          <p className="mt-2 text-slate-700">{answer?.message ?? "Please try again."}</p>
          <a href={answer?.back ?? "/account/favorites"} className="btn-secondary mt-5 inline-flex px-5 py-3">
            Go back
          </a>
        </div>
      </main>
    </div>
  );
}
