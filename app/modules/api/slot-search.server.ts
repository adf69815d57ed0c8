import type { z } from "zod";
import { findSlots, MAX_SLOT_RANGE_DAYS } from "~/modules/scheduling/slots.server";
import { clinicRange } from "./range.server";
import type { ApiRequest } from "./request.server";
import type { slotQuerySchema, SlotBody } from "./schemas.server";
import { serializeSlot } from "./serialize.server";

/** Free times of a service; the range is checked here so a bad one costs no database work. */
export async function searchSlots(api: ApiRequest, query: z.output<typeof slotQuerySchema>): Promise<{ slots: SlotBody[] }> {
  const { from, to } = clinicRange(query, api.clinic.timeZone, MAX_SLOT_RANGE_DAYS);
  const slots = await findSlots(api.db, api.clinic, {
    serviceId: query.serviceId,
    from,
    to,
    practitionerId: query.practitionerId ?? null,
    locationId: query.locationId ?? null,
    audience: api.audience,
  });
  return { slots: slots.map((s) => serializeSlot(s, api.clinic.timeZone)) };
}
