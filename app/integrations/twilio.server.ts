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
  // The SDK weighs about 25 MB of memory: load it on the first message, and only where Twilio is set up.
  const client = import("twilio").then(({ default: twilio }) => twilio(config.accountSid, config.authToken));
  client.catch(() => {}); // surfaced by send()
  const sender = config.from.startsWith("MG") ? { messagingServiceSid: config.from } : { from: config.from };
  return {
    async send({ to, body }) {
      const message = await (await client).messages.create({ to, body, ...sender });
      return { providerId: message.sid };
    },
  };
}
