import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest, recordAudit } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { auditCsv, auditFilterSchema, auditLogRows } from "~/modules/records/audit-log.server";
import { firstMessage } from "~/lib/form-errors";

/** The audit log under the same filters as /panel/audit, as CSV (owners only; the export is itself audited). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, clinicId, clinic, db: clinicDb } = await requireStaff(request, context, "audit");
  const params = new URL(request.url).searchParams;
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(["from", "to", "actor", "patient", "kind"].map((k) => [k, params.get(k)])));
  if (!parsed.success) return new Response(firstMessage(parsed.error, "Check the filters."), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const filter = { ...parsed.data, cursor: undefined };
  const rows = await clinicDb
    .tx(async (tx) => {
      const found = await auditLogRows(tx, clinic, filter);
      await recordAudit(tx, { clinicId, actor: { type: "staff", id: staff.id }, action: "audit.log_exported", target: null, request: auditContextFromRequest(request, context), details: { filter, rows: found.length } });
      return found;
    });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(auditCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${clinic.slug}-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
