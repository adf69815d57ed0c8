import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { bookAgainHref } from "~/modules/booking-flow/book-again.server";
import { NotFoundError } from "~/utils/errors.server";

/**
 * "Book again" on a past or cancelled visit: the booking opens at the first free day's times with
 * the same service, location, doctor and family member. Someone else's visit is not found.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  try {
    return redirect(await bookAgainHref(db, clinic, patient.id, params.id ?? "", auditContextFromRequest(request, context)));
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
}
