/**
 * The only file that talks to Twilio: its Messages REST API over fetch, and its webhook signature
 * checked with node:crypto. The SDK did the same two things at the cost of about 28 MB of resident
 * memory per process (docs/decisions/036-twilio-over-rest.md).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

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

const API = "https://api.twilio.com/2010-04-01";
/** A send that has not been answered by then is failed and retried by the outbox, not waited for. */
const SEND_TIMEOUT_MS = 15_000;

/** Twilio's answer to a refused call: https://www.twilio.com/docs/api/errors */
export class TwilioError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
  ) {
    super(message);
    this.name = "TwilioError";
  }
}

/** The SMS sender for one account. */
export function createTwilioSms(config: TwilioConfig): Promise<SmsSender> {
  const url = `${API}/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`;
  const sender: Record<string, string> = config.from.startsWith("MG") ? { MessagingServiceSid: config.from } : { From: config.from };
  return Promise.resolve({
    async send({ to, body, statusCallback }) {
      const form = new URLSearchParams({ To: to, ...sender, Body: body });
      if (statusCallback) form.set("StatusCallback", statusCallback);
      const response = await fetch(url, {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      const text = await response.text();
      const answer = parseJson(text);
      if (!response.ok) {
        const code = typeof answer?.code === "number" ? answer.code : null;
        const message = typeof answer?.message === "string" ? answer.message : `HTTP ${response.status}`;
        throw new TwilioError(`Twilio refused the message: ${message}${code ? ` (error ${code})` : ""}`, response.status, code);
      }
      if (typeof answer?.sid !== "string") throw new TwilioError("Twilio answered without a message SID", response.status, null);
      return { providerId: answer.sid };
    },
  });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a request really comes from Twilio: the X-Twilio-Signature header is a base64 HMAC-SHA1,
 * keyed with the account's auth token, of the full URL Twilio called followed by each POSTed field's
 * name and value, sorted by name. Twilio may have signed the URL with or without its default port.
 */
export function validateTwilioSignature(authToken: string, signature: string | null, url: string, params: Record<string, string>): Promise<boolean> {
  if (!signature) return Promise.resolve(false);
  const given = Buffer.from(signature);
  const data = Object.keys(params)
    .sort()
    .map((name) => name + params[name])
    .join("");
  const matches = (candidate: string) => {
    const expected = Buffer.from(createHmac("sha1", authToken).update(candidate + data, "utf8").digest("base64"));
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  return Promise.resolve(urlForms(url).some(matches));
}

/** The URL as given, and with its scheme's default port removed or added. */
function urlForms(url: string): string[] {
  const match = /^(https?:\/\/)([^/:?#]+)(:\d+)?(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme, host, port, rest] = match;
  const defaultPort = scheme!.toLowerCase() === "https://" ? ":443" : ":80";
  const forms = new Set([url, `${scheme}${host}${rest}`]);
  if (!port) forms.add(`${scheme}${host}${defaultPort}${rest}`);
  return [...forms];
}
