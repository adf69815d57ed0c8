/**
 * A heart tapped while signed out is kept through sign-in: the button's post leaves the favorite in
 * a short-lived cookie of this browser, sign-in comes back to `/favorites?pending=1`, and that saves
 * it for the patient who just signed in, then returns to the page they were on. The cookie can only
 * come from this browser's own post (HttpOnly, SameSite=Lax, this host), so a link alone saves
 * nothing for anyone.
 */
import { readCookie, serializeCookie, shouldUseSecureCookies } from "~/modules/auth/cookies.server";
import { safeRedirectPath } from "~/modules/auth/guards.server";
import { favoriteFormSchema, type FavoriteForm } from "./favorites.server";

const COOKIE = "medslot_pending_favorite";
const MAX_AGE_SECONDS = 15 * 60;

/** Where sign-in returns to so the kept favorite is saved. */
export const PENDING_FAVORITE_PATH = "/favorites?pending=1";

export interface PendingFavorite {
  favorite: Pick<FavoriteForm, "kind" | "clinicId" | "targetId">;
  /** The page the heart was on. */
  back: string;
}

const secure = (request: Request) => shouldUseSecureCookies(request.url, process.env.NODE_ENV ?? "production");

/** Set-Cookie keeping the favorite for the sign-in that follows. */
export function keepPendingFavorite(request: Request, pending: PendingFavorite): string {
  const value = Buffer.from(JSON.stringify({ ...pending.favorite, back: pending.back })).toString("base64url");
  return serializeCookie(COOKIE, value, { secure: secure(request), maxAge: MAX_AGE_SECONDS });
}

/** The kept favorite, checked as the button's form is; null when there is none or it is not one. */
export function readPendingFavorite(request: Request): PendingFavorite | null {
  const raw = readCookie(request, COOKIE);
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = favoriteFormSchema.safeParse({ ...(value as object), intent: "add" });
  if (!parsed.success) return null;
  const back = (value as { back?: unknown }).back;
  return { favorite: { kind: parsed.data.kind, clinicId: parsed.data.clinicId, targetId: parsed.data.targetId }, back: safeRedirectPath(typeof back === "string" ? back : null, "/account/favorites") };
}

/** Set-Cookie that forgets the kept favorite (it is used once). */
export function forgetPendingFavorite(request: Request): string {
  return serializeCookie(COOKIE, "", { secure: secure(request), maxAge: 0 });
}
