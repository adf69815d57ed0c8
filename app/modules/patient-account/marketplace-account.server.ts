/**
 * The patient's appointments at every clinic, for the account on the marketplace.
 *
 * Appointments are RLS-scoped per clinic, so this is an explicitly named cross-clinic path built in
 * two steps, neither of which can return another patient's rows:
 * 1. `patient_clinic_ids(account id)` (SECURITY DEFINER, see migration 20261123000000) answers only
 *    the ids of the clinics where THIS account has a patient record. The id comes from the signed-in
 *    session, never from the request.
 * 2. For each of those clinics, the ordinary clinic-scoped read of the account's own appointments
 *    (`accountAppointments`), with RLS on as everywhere else, and its view written to THAT clinic's
 *    audit log.
 */
import type { AuditRequestContext } from "~/modules/audit/audit.server";
import type { Db } from "~/utils/db.server";
import { accountAppointments, type AccountAppointment } from "./appointments.server";
import { clinicsOfPatient } from "./patient-clinics.server";

export interface MarketplaceAppointment extends AccountAppointment {
  clinic: {
    id: string;
    slug: string;
    name: string;
    /** The IANA zone the times are written in, e.g. "America/New_York". */
    timeZone: string;
    phone: string | null;
    /** Online changes are possible only while the clinic's site is up. */
    online: boolean;
  };
}

export interface MarketplaceAccountView {
  upcoming: MarketplaceAppointment[];
  past: MarketplaceAppointment[];
  cancelled: MarketplaceAppointment[];
}

const PAST_SHOWN = 30;

export async function marketplaceAppointments(db: Db, patientAccountId: string, audit: AuditRequestContext | null, now = new Date()): Promise<MarketplaceAccountView> {
  const clinicIds = await clinicsOfPatient(db, patientAccountId);
  const perClinic = await Promise.all(
    clinicIds.map(async (clinicId) => {
      const scoped = db.forClinic(clinicId);
      const clinic = await scoped.tx((tx) =>
        tx.clinic.findUnique({ where: { id: clinicId }, select: { id: true, slug: true, name: true, timeZone: true, currency: true, contactPhone: true, status: true } }),
      );
      if (!clinic) return [];
      const view = await accountAppointments(scoped, { ...clinic, contactPhone: clinic.contactPhone }, patientAccountId, audit, now);
      const about = { id: clinic.id, slug: clinic.slug, name: clinic.name, timeZone: clinic.timeZone, phone: clinic.contactPhone, online: clinic.status !== "suspended" };
      return [...view.upcoming, ...view.past, ...view.cancelled].map((a): MarketplaceAppointment => ({ ...a, clinic: about }));
    }),
  );
  const all = perClinic.flat();
  return {
    upcoming: all.filter((a) => a.list === "upcoming").sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    past: all
      .filter((a) => a.list === "past")
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .slice(0, PAST_SHOWN),
    cancelled: all
      .filter((a) => a.list === "cancelled")
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .slice(0, PAST_SHOWN),
  };
}
