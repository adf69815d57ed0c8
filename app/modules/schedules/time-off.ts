/** Words for time-off requests, shared by the page and the server. */
export const TIME_OFF_KINDS = ["sick_leave", "training", "vacation", "other"] as const;
export type TimeOffKind = (typeof TIME_OFF_KINDS)[number];
export const TIME_OFF_KIND_LABELS: Record<TimeOffKind, string> = { sick_leave: "Sick leave", training: "Training", vacation: "Vacation", other: "Other" };
export const TIME_OFF_STATUS_LABELS = { pending: "Waiting for approval", approved: "Approved", declined: "Declined", withdrawn: "Withdrawn" } as const;
