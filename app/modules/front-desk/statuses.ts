import type { AppointmentStatus } from "~/lib/appointment-status";

/** The visit statuses the desk's lists and filters know (holds are not visits), in the order the filter shows them. Shared by server and pages. */
export const VISIT_STATUSES = ["requested", "confirmed", "checked_in", "in_consultation", "completed", "no_show", "cancelled", "declined"] as const satisfies readonly AppointmentStatus[];
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** Reasons the desk can give for cancelling; a no-show is marked, not cancelled. */
export const DESK_CANCELLATION_REASONS = ["patient_request", "staff_unavailable", "illness", "duplicate", "closure"] as const;
