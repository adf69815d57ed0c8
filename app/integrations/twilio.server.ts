/** The only file that talks to Twilio. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** A Twilio phone number in E.164, or a Messaging Service SID (MG...). */
  from: string;
}

export interface SmsSender {
  /** `statusCallback`: where Twilio posts the message's status changes (queued, sent, delivered, failed). */
  send(message: { to: string; body: string; statusCallback?: string }): Promise<{ providerId: string }>;
}

const importTwilio = () => import("twilio").then((m) => m.default);
type Twilio = Awaited<ReturnType<typeof importTwilio>>;

let sdk: Promise<Twilio> | undefined;

/**
 * The SDK, loaded once per process and only where Twilio is configured: the server creates the
 * sender at start-up (messenger.server.ts), so no request pays for loading it. Measured under
 * plain node (--expose-gc, after gc): about 6 MB of heap and 23 MB of RSS with the client made,
 * 8 MB and 29 MB after the first send.
 */
function loadTwilio(): Promise<Twilio> {
  sdk ??= importTwilio();
  return sdk;
}

/** The SMS sender, with the SDK loaded and its client made. */
export async function createTwilioSms(config: TwilioConfig): Promise<SmsSender> {
  const client = (await loadTwilio())(config.accountSid, config.authToken);
  const sender = config.from.startsWith("MG") ? { messagingServiceSid: config.from } : { from: config.from };
  return {
    async send({ to, body, statusCallback }) {
      const message = await client.messages.create({ to, body, ...sender, ...(statusCallback ? { statusCallback } : {}) });
      return { providerId: message.sid };
    },
  };
}

/**
 * Whether a request really comes from Twilio: the X-Twilio-Signature header is an HMAC of the full
 * URL Twilio called and the POSTed form fields, keyed with the account's auth token.
 */
export async function validateTwilioSignature(authToken: string, signature: string | null, url: string, params: Record<string, string>): Promise<boolean> {
  if (!signature) return false;
  const twilio = await loadTwilio();
  return twilio.validateRequest(authToken, signature, url, params);
}
