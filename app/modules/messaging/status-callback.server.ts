import { validateTwilioSignature } from "~/integrations/twilio.server";
import type { Db } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { problem, problemType } from "~/utils/problem.server";
import { recordProviderStatus } from "./notify.server";

/**
 * Twilio's status callback (POST /api/messages/status, form-encoded). The signature is checked
 * against the URL we gave Twilio (and the URL the request arrived on, for a proxy that keeps it);
 * a wrong or missing signature is a 403 problem document. A valid report moves the delivery
 * forward by the message SID; an unknown SID, a replay or a report that arrives late answers 204
 * and changes nothing, so Twilio never retries it.
 */
export interface StatusCallbackDeps {
  db: Db;
  /** TWILIO_AUTH_TOKEN; without it no report can be trusted. */
  authToken: string | undefined;
  /** The statusCallback URL sent with each message. */
  callbackUrl: string;
}

export async function handleMessageStatus(request: Request, deps: StatusCallbackDeps): Promise<Response> {
  if (request.method !== "POST") {
    return problem({ status: 405, title: "Method not allowed", detail: "Twilio reports message status with POST.", headers: { Allow: "POST" } });
  }
  const form = new URLSearchParams(await request.text());
  const params = Object.fromEntries(form);
  const signature = request.headers.get("x-twilio-signature");
  const urls = [...new Set([deps.callbackUrl, request.url])];
  let valid = false;
  if (deps.authToken) {
    for (const url of urls) if (await validateTwilioSignature(deps.authToken, signature, url, params)) valid = true;
  }
  if (!valid) {
    return problem({ status: 403, type: problemType("invalid-signature"), title: "Invalid signature", detail: "This request is not signed by Twilio for this account." });
  }
  const sid = params.MessageSid ?? params.SmsSid;
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!sid || !status) return problem({ status: 422, type: problemType("invalid-input"), title: "The request is not valid", detail: "MessageSid and MessageStatus are required." });

  const result = await recordProviderStatus(deps.db, { providerRef: sid, status, errorCode: params.ErrorCode ?? null });
  if (!result.found) log.info("message status for an unknown message", { providerRef: sid, status });
  return new Response(null, { status: 204 });
}
