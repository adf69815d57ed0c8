/**
 * Names and limits shared by the staff, documents and platform admin pages and their server
 * modules (a plain module, so the browser bundle has them too).
 */
import type { ClinicDocumentKind, ClinicDocumentStatus, DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";
import { MAX_DOCUMENT_BYTES } from "~/utils/upload-limits";

export const STAFF_ROLES = ["owner", "secretary", "doctor"] as const satisfies readonly StaffRole[];
export const WORK_STATUSES = ["active", "on_leave", "inactive"] as const satisfies readonly DoctorWorkStatus[];

/** How long an emailed staff invitation works. */
export const INVITE_DAYS = 7;

export { MAX_DOCUMENT_BYTES };
export const DOCUMENT_KINDS = ["licence", "insurance", "other"] as const satisfies readonly ClinicDocumentKind[];
export const DOCUMENT_KIND_LABELS: Record<ClinicDocumentKind, string> = { licence: "Licence", insurance: "Insurance", other: "Other" };
export const DOCUMENT_STATUS_LABELS: Record<ClinicDocumentStatus, string> = { pending: "Waiting for review", verified: "Verified", rejected: "Rejected" };
/** Kinds that must each have a verified document before a clinic can go live. */
export const REQUIRED_DOCUMENT_KINDS = ["licence", "insurance"] as const satisfies readonly ClinicDocumentKind[];
