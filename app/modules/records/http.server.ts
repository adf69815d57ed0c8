/** Domain refusals of the records pages as HTTP answers (403 and 404), thrown so loaders stop. */
import { forbidden, notFound } from "~/modules/auth/guards.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";
import { patientRefParams, type PatientRef } from "./access.server";

export function refusalResponse(error: unknown): Response | null {
  if (error instanceof ForbiddenError) return forbidden();
  if (error instanceof NotFoundError) return notFound();
  return null;
}

/** Runs `fn`, turning a refusal into its response (thrown); anything else passes on. */
export async function orRefuse<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const answer = refusalResponse(error);
    if (answer) throw answer;
    throw error;
  }
}

/** `/…/$patientAccountId[?dependent=…]` as a patient, or a 404 for anything malformed. */
export function patientRefFrom(request: Request, patientAccountId: string | undefined): PatientRef {
  const parsed = patientRefParams.safeParse({ patientAccountId, dependent: new URL(request.url).searchParams.get("dependent") || null });
  if (!parsed.success) throw notFound();
  return { patientAccountId: parsed.data.patientAccountId, dependentId: parsed.data.dependent ?? null };
}
