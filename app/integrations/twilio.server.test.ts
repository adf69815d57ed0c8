import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTwilioSms } from "./twilio.server";

// Answers like Twilio's Messages API does for the one call we make.
const received: { url: string; auth: string | null; form: URLSearchParams }[] = [];
const server = setupServer(
  http.post("https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json", async ({ request, params }) => {
    const form = new URLSearchParams(await request.text());
    received.push({ url: request.url, auth: request.headers.get("authorization"), form });
    if (form.get("To") === "+15005550001") {
      return HttpResponse.json({ code: 21211, message: "The 'To' number +15005550001 is not a valid phone number.", status: 400 }, { status: 400 });
    }
    return HttpResponse.json(
      { sid: "SM0123456789abcdef0123456789abcdef", account_sid: params.sid, to: form.get("To"), from: form.get("From"), body: form.get("Body"), status: "queued" },
      { status: 201 },
    );
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const config = { accountSid: "AC00000000000000000000000000000000", authToken: "secret-token", from: "+15005550006" };

test("sends through the real SDK's HTTPS call to Messages.json", async () => {
  const result = await createTwilioSms(config).send({ to: "+12125550123", body: "123456 is your code" });
  expect(result).toEqual({ providerId: "SM0123456789abcdef0123456789abcdef" });
  const call = received.at(-1)!;
  expect(call.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${config.accountSid}/Messages.json`);
  expect(call.auth).toBe(`Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`);
  expect(Object.fromEntries(call.form)).toEqual({ To: "+12125550123", From: "+15005550006", Body: "123456 is your code" });
});

test("a Messaging Service SID is sent as MessagingServiceSid", async () => {
  await createTwilioSms({ ...config, from: "MG00000000000000000000000000000000" }).send({ to: "+12125550123", body: "hi" });
  expect(received.at(-1)!.form.get("MessagingServiceSid")).toBe("MG00000000000000000000000000000000");
  expect(received.at(-1)!.form.get("From")).toBeNull();
});

test("Twilio's refusal surfaces as an error", async () => {
  await expect(createTwilioSms(config).send({ to: "+15005550001", body: "hi" })).rejects.toThrow(/not a valid phone number/);
});
