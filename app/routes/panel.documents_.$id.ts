import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { documentResponse, getClinicDocumentFile } from "~/modules/clinic/clinic-documents.server";

/** One of the clinic's onboarding documents, for its owner (another clinic's id is simply not found). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "documents");
  const id = params.id ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound();
  const file = await getClinicDocumentFile(db, id);
  if (!file) throw notFound();
  return documentResponse(file, new URL(request.url).searchParams.has("download") ? "attachment" : "inline");
}
