import twilio from "twilio";

/** The only file that talks to Twilio. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** A Twilio phone number in E.164, or a Messaging Service SID (MG...). */
  from: string;
}

export interface SmsSender {
  send(message: { to: string; body: string }): Promise<{ providerId: string }>;
}

export function createTwilioSms(config: TwilioConfig): SmsSender {
  const client = twilio(config.accountSid, config.authToken);
  const sender = config.from.startsWith("MG") ? { messagingServiceSid: config.from } : { from: config.from };
  return {
    async send({ to, body }) {
      const message = await client.messages.create({ to, body, ...sender });
      return { providerId: message.sid };
    },
  };
}
