import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { REPORT_KEYS, reportCsv, type ReportKey } from "~/modules/reports/csv";
import { readReportRequest } from "~/modules/reports/range";
import { loadReports, recordReportAccess, ReportTooSlowError } from "~/modules/reports/reports.server";
import { NotFoundError } from "~/utils/errors.server";

/** `/panel/reports/<report>.csv?from=&to=&location=`: one report as a CSV file, the same figures as the page. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { staff, clinic, db } = await requireStaff(request, context, "reports");
  const key = /^([a-z-]+)\.csv$/.exec(params.report ?? "")?.[1];
  if (!key || !(REPORT_KEYS as readonly string[]).includes(key)) throw notFound();
  const asked = readReportRequest(new URL(request.url), clinic.timeZone, new Date());
  if (asked === "bad-location") throw notFound();
  if (!asked.ok) return new Response(`${asked.message}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  let reports;
  try {
    reports = await loadReports(db, clinic, asked.range, asked.locationId);
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    if (error instanceof ReportTooSlowError) return new Response(`${error.message}\n`, { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "60" } });
    throw error;
  }
  await recordReportAccess(db, { action: "report.exported", report: key as ReportKey, range: asked.range, locationId: asked.locationId, staffId: staff.id, request: auditContextFromRequest(request, context) });
  const file = `${clinic.slug}-${key}-${asked.range.first}-to-${asked.range.last}.csv`;
  return new Response(reportCsv(key as ReportKey, reports), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
