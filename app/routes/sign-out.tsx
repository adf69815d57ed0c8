import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { forgetViewer, getSessionId, getViewer, sessionHostFor } from "~/modules/auth/guards.server";
import { requestMeta } from "~/modules/auth/pending.server";
import { clearSessionCookie } from "~/modules/auth/session.server";
import { signOut, type SignedOutSubject } from "~/modules/auth/sign-out.server";
import { getDb } from "~/utils/db.server";

/** Signing out is a POST (a link or an image could otherwise sign people out). */
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const host = sessionHostFor(context);
  const viewer = await getViewer(request, context);
  const sessionId = await getSessionId(request, context);
  if (host && sessionId) {
    const subject: SignedOutSubject =
      viewer.kind === "patient" ? { kind: "patient", patientAccountId: viewer.patient.id } : viewer.kind === "staff" ? { kind: "staff", staffUserId: viewer.staff.id } : { kind: "anonymous" };
    await signOut(getDb(), host, { sessionId, subject }, requestMeta(request, context));
  }
  forgetViewer(context);
  const to = viewer.kind === "staff" ? "/staff/sign-in" : "/";
  return redirect(to, { headers: { "Set-Cookie": clearSessionCookie(request) } });
}
