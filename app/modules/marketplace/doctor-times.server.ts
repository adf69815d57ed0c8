/**
 * A doctor's next free times on their marketplace page: the same question the clinic's own site
 * asks (booking-flow/next-free-times.server.ts), read through that clinic's own scope, with links
 * into the booking flow on the clinic's site.
 */
import { freeTimeLinks, upcomingFreeTimes, type FreeTimeLink } from "~/modules/booking-flow/next-free-times.server";
import type { Db } from "~/utils/db.server";
import type { PublishedClinicPage, PublishedDoctor } from "./catalog.server";

/** Each of the doctor's published services' next free times with that doctor, by service id. */
export async function publishedDoctorTimes(db: Db, clinic: PublishedClinicPage, doctor: PublishedDoctor, siteUrl: string, options: { now?: Date } = {}): Promise<Map<string, FreeTimeLink[]>> {
  const now = options.now ?? new Date();
  const ref = { id: clinic.id, timeZone: clinic.timeZone, currency: clinic.currency };
  const times = await upcomingFreeTimes(db.forClinic(clinic.id), ref, doctor.serviceIds.map((serviceId) => ({ serviceId, doctorId: doctor.id })), { now, perQuery: 4 });
  return new Map(doctor.serviceIds.map((serviceId, i) => [serviceId, freeTimeLinks(times[i]!, clinic, { serviceId, doctor: doctor.id }, { now, origin: siteUrl })]));
}
