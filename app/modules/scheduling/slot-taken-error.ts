import { ConflictError } from "~/utils/errors.server";
import type { Slot } from "./slot-engine";

/** The time was taken (by a concurrent request, or since the caller looked). */
export class SlotTakenError extends ConflictError<Slot> {
  constructor(detail = "This time was just taken by someone else. Please choose another time.") {
    super(detail);
  }
}
