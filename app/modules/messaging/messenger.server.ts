import { createSmtpMail, type EmailSender } from "~/integrations/mail.server";
import { createTwilioSms, type SmsSender } from "~/integrations/twilio.server";
import { getDb, type Db } from "~/utils/db.server";
import { getEnv, type Env } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { keepInDevOutbox } from "./dev-outbox.server";

/**
 * Every SMS and email leaves through here: Twilio when TWILIO_* is set, SMTP when SMTP_URL is set,
 * otherwise the development outbox. Message bodies may hold sign-in codes and reset links, so they
 * never go to the logs; the development outbox is the only place they are kept.
 */

export interface SmsMessage {
  to: string;
  body: string;
  /** The clinic the message is sent for; null for the marketplace and admin host. */
  clinicId: string | null;
  /** What the message is for, e.g. "sign-in-code", "password-reset". */
  purpose: string;
  /** Where the provider reports delivery (Twilio's status callback); ignored by the development outbox. */
  statusCallback?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  clinicId: string | null;
  purpose: string;
}

export type Delivery = { via: "twilio" | "smtp"; providerId: string } | { via: "dev-outbox"; outboxId: string };

export interface Messenger {
  sendSms(message: SmsMessage): Promise<Delivery>;
  sendEmail(message: EmailMessage): Promise<Delivery>;
}

/** The messenger, with the SDK of each configured provider loaded (and none of the others). */
export async function createMessenger(deps: { env: Pick<Env, "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_FROM" | "SMTP_URL" | "MAIL_FROM" | "APP_DOMAIN">; db: Db }): Promise<Messenger> {
  const { env, db } = deps;
  const [sms, mail]: [SmsSender | null, EmailSender | null] = await Promise.all([
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? createTwilioSms({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM })
      : null,
    env.SMTP_URL ? createSmtpMail({ url: env.SMTP_URL, from: env.MAIL_FROM ?? `Medslot <no-reply@${env.APP_DOMAIN}>` }) : null,
  ]);

  return {
    async sendSms(message) {
      if (sms) {
        const { providerId } = await sms.send({ to: message.to, body: message.body, statusCallback: message.statusCallback });
        log.info("sms sent", { via: "twilio", purpose: message.purpose, clinicId: message.clinicId, providerId });
        return { via: "twilio", providerId };
      }
      const outboxId = await keepInDevOutbox(db, { channel: "sms", recipient: message.to, body: message.body, purpose: message.purpose, clinicId: message.clinicId });
      devNotice("SMS", message.to, message.purpose);
      return { via: "dev-outbox", outboxId };
    },
    async sendEmail(message) {
      if (mail) {
        const { providerId } = await mail.send({ to: message.to, subject: message.subject, text: message.text, html: message.html });
        log.info("email sent", { via: "smtp", purpose: message.purpose, clinicId: message.clinicId, providerId });
        return { via: "smtp", providerId };
      }
      const outboxId = await keepInDevOutbox(db, { channel: "email", recipient: message.to, subject: message.subject, body: message.text, purpose: message.purpose, clinicId: message.clinicId });
      devNotice("Email", message.to, message.purpose);
      return { via: "dev-outbox", outboxId };
    },
  };
}

function devNotice(channel: string, to: string, purpose: string) {
  // One line for whoever watches the console; the message itself is only on the outbox page.
  process.stdout.write(`[dev outbox] ${channel} "${purpose}" for ${to} — read it at /dev/outbox\n`);
}

let messenger: Promise<Messenger> | undefined;

function defaultMessenger(): Promise<Messenger> {
  messenger ??= createMessenger({ env: getEnv(), db: getDb() });
  return messenger;
}

/**
 * Start-up: the server's messenger and the SDKs it needs, before the first request (loading
 * Twilio's SDK is the largest allocation this server makes). Says which providers it uses.
 */
export async function startMessenger(): Promise<{ sms: "twilio" | "dev-outbox"; email: "smtp" | "dev-outbox" }> {
  await defaultMessenger();
  const env = getEnv();
  return { sms: env.TWILIO_ACCOUNT_SID ? "twilio" : "dev-outbox", email: env.SMTP_URL ? "smtp" : "dev-outbox" };
}

export async function sendSms(message: SmsMessage): Promise<Delivery> {
  return (await defaultMessenger()).sendSms(message);
}

export async function sendEmail(message: EmailMessage): Promise<Delivery> {
  return (await defaultMessenger()).sendEmail(message);
}
