/** Words and limits of the records pages, shared by the server modules and the pages' components. */
import type { TreatmentPlanItemStatus } from "~/generated/prisma/enums";

export const PLAN_STATUS_WORDS: Record<TreatmentPlanItemStatus, string> = { planned: "Planned", in_progress: "In progress", done: "Done", cancelled: "Cancelled" };

export const AUDIT_KINDS = ["views", "changes", "sign_ins", "break_glass"] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
export const AUDIT_KIND_WORDS: Record<AuditKind, string> = { views: "Views", changes: "Changes", sign_ins: "Sign-ins", break_glass: "Break the glass" };

export const BREAK_GLASS_MAX_MINUTES = 60;
export const BREAK_GLASS_REASON_MIN = 20;
export const BREAK_GLASS_REASON_MAX_LENGTH = 1000;
