/**
 * The cancellation window: patients may cancel or move a visit on their own only before the
 * deadline, `window` minutes before the start. The deadline itself is already too late (a clinic
 * saying "cancel up to 48 hours before" means strictly before the 48-hour mark), and the deposit
 * workflow captures at that same instant, so a cancellation and a capture can never both win.
 */
export function cancellationDeadline(startsAt: Date, windowMin: number): Date {
  return new Date(startsAt.getTime() - windowMin * 60_000);
}

export function patientMayChange(startsAt: Date, windowMin: number, now: Date): boolean {
  return now.getTime() < cancellationDeadline(startsAt, windowMin).getTime();
}


export { depositFor } from "../pricing/price";
