import type { ActionFunctionArgs } from "@remix-run/node";
import { messageStatusCallbackUrl } from "~/utils/public-urls.server";
import { handleMessageStatus } from "~/modules/messaging/status-callback.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { problem } from "~/utils/problem.server";

// Twilio posts each message's status here; the signature, not a session, says who is calling.
export const action = ({ request }: ActionFunctionArgs) =>
  handleMessageStatus(request, { db: getDb(), authToken: getEnv().TWILIO_AUTH_TOKEN, callbackUrl: messageStatusCallbackUrl() });

export const loader = () => problem({ status: 405, title: "Method not allowed", detail: "Twilio reports message status with POST.", headers: { Allow: "POST" } });
