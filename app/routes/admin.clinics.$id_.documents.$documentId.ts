import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireOperator } from "~/modules/auth/guards.server";
import { documentResponse } from "~/modules/clinic/clinic-documents.server";
import { getDocumentFileForOperator } from "~/modules/platform/onboarding.server";
import { getDb } from "~/utils/db.server";

/** A clinic's onboarding document for the platform operator to check (each view is in the platform's log). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  const file = await getDocumentFileForOperator(getDb(), params.id ?? "", params.documentId ?? "", { staffUserId: staff.id, request: auditContextFromRequest(request, context) });
  if (!file) throw notFound();
  return documentResponse(file, new URL(request.url).searchParams.has("download") ? "attachment" : "inline");
}
