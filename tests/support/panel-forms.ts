/** Valid forms for the owner's setup pages, as the browser posts them, for tests that call those routes. */
import type { PanelFixture } from "./panel-client";

const HOURS = JSON.stringify({
  mon: [
    { open: "08:00", close: "12:00" },
    { open: "13:00", close: "18:00" },
  ],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
});

/** A location open on Monday mornings and afternoons. */
export const locationForm = (name: string) => ({ name, addressLine1: "2 Test Street", addressLine2: "", city: "Test City", region: "", postalCode: "10001", country: "US", latitude: "40.8", longitude: "-73.9", phone: "", openingHours: HOURS });

/** A bookable service with a fixed deposit, offered by the fixture's first doctor at its location. */
export function serviceForm(f: Pick<PanelFixture, "doctorIds" | "locationId">, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: "Travel vaccination consult",
    categoryId: "",
    specialty: "",
    description: "Vaccines and advice before a trip.",
    preparationNotes: "",
    price: "95.00",
    depositKind: "fixed",
    depositAmount: "20.00",
    durationMin: "30",
    bufferBeforeMin: "0",
    bufferAfterMin: "5",
    startGridMin: "15",
    roomType: "",
    minNoticeHours: "2",
    horizonDays: "60",
    cancellationHours: "24",
    visibility: "active",
    [`doctor:${f.doctorIds[0]}`]: "on",
    [`location:${f.locationId}`]: "on",
    ...overrides,
  };
}
