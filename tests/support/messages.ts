/**
 * Appointments and a recording messenger for the message tests. Appointments are written directly
 * (as the runtime role, in the clinic's scope): the messages care about who, when and the status,
 * not how the time was found.
 */
import { randomBytes } from "node:crypto";
import type { Delivery, EmailMessage, Messenger, SmsMessage } from "~/modules/messaging/messenger.server";
import { testDb } from "./db";
import { fictitiousPhone, type ScheduleFixture } from "./scheduling";

let slot = 0;

export async function insertAppointment(
  f: ScheduleFixture,
  opts: { start?: Date; patientAccountId?: string; dependentId?: string | null; status?: "confirmed" | "requested" | "cancelled"; rescheduledFromId?: string | null } = {},
) {
  // Distinct hours for the same doctor, so the exclusion constraints never meet.
  slot += 1;
  const start = opts.start ?? new Date(Date.now() + 3 * 24 * 3_600_000 + slot * 3_600_000);
  const end = new Date(start.getTime() + 30 * 60_000);
  return testDb()
    .forClinic(f.clinic.id)
    .tx((tx) =>
      tx.appointment.create({
        data: {
          clinicId: f.clinic.id,
          serviceId: f.serviceId,
          doctorId: f.doctorIds[slot % f.doctorIds.length]!,
          locationId: f.locationId,
          patientAccountId: opts.patientAccountId ?? f.patientId,
          dependentId: opts.dependentId ?? null,
          status: opts.status ?? "confirmed",
          startsAt: start,
          endsAt: end,
          blockedFrom: start,
          blockedTo: end,
          channel: "staff",
          currency: "USD",
          cancellationWindowMin: 2880,
          rescheduledFromId: opts.rescheduledFromId ?? null,
        },
        select: { id: true, startsAt: true },
      }),
    );
}

/** A patient account with a name, a phone, an email and preferences, known to the clinic. */
export async function insertPatient(f: ScheduleFixture, opts: { email?: string | null; smsMessages?: boolean; emailMessages?: boolean; firstName?: string } = {}) {
  return testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      const account = await tx.patientAccount.create({
        data: {
          phone: fictitiousPhone(),
          firstName: opts.firstName ?? "Maria",
          lastName: "Lopez",
          email: opts.email === undefined ? `maria-${randomBytes(4).toString("hex")}@patient.test` : opts.email,
          smsMessages: opts.smsMessages ?? true,
          emailMessages: opts.emailMessages ?? true,
        },
      });
      await tx.clinicPatient.create({ data: { clinicId: f.clinic.id, patientAccountId: account.id } });
      return account;
    });
}

export interface RecordingMessenger extends Messenger {
  sms: SmsMessage[];
  emails: EmailMessage[];
  /** Makes the next sends throw, as a provider outage would. */
  failing: boolean;
}

export function recordingMessenger(): RecordingMessenger {
  const m: RecordingMessenger = {
    sms: [],
    emails: [],
    failing: false,
    async sendSms(message): Promise<Delivery> {
      if (m.failing) throw new Error("Twilio is unreachable");
      m.sms.push(message);
      return { via: "twilio", providerId: `SM${randomBytes(16).toString("hex")}` };
    },
    async sendEmail(message): Promise<Delivery> {
      if (m.failing) throw new Error("SMTP is unreachable");
      m.emails.push(message);
      return { via: "smtp", providerId: `<${randomBytes(8).toString("hex")}@mail.test>` };
    },
  };
  return m;
}

/** Links as on a real domain. */
export const LINK_ENV = { APP_DOMAIN: "medslot.example", PORT: 3000 };
