import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTwilioSms, validateTwilioSignature } from "./twilio.server";

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

test("sends one HTTPS call to Twilio's Messages.json, as its API documents", async () => {
  const result = await (await createTwilioSms(config)).send({ to: "+12125550123", body: "123456 is your code" });
  expect(result).toEqual({ providerId: "SM0123456789abcdef0123456789abcdef" });
  const call = received.at(-1)!;
  expect(call.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${config.accountSid}/Messages.json`);
  expect(call.auth).toBe(`Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`);
  expect(Object.fromEntries(call.form)).toEqual({ To: "+12125550123", From: "+15005550006", Body: "123456 is your code" });
});

test("a Messaging Service SID is sent as MessagingServiceSid", async () => {
  await (await createTwilioSms({ ...config, from: "MG00000000000000000000000000000000" })).send({ to: "+12125550123", body: "hi" });
  expect(received.at(-1)!.form.get("MessagingServiceSid")).toBe("MG00000000000000000000000000000000");
  expect(received.at(-1)!.form.get("From")).toBeNull();
});

test("Twilio's refusal surfaces as an error with its code", async () => {
  const refused = (await createTwilioSms(config)).send({ to: "+15005550001", body: "hi" });
  await expect(refused).rejects.toThrow(/not a valid phone number.*error 21211/);
  await expect(refused).rejects.toMatchObject({ status: 400, code: 21211 });
});

test("an answer that is not Twilio's (a proxy's HTML error page) is an error, not a sent message", async () => {
  server.use(http.post("https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json", () => new HttpResponse("<html>Bad gateway</html>", { status: 502 })));
  await expect((await createTwilioSms(config)).send({ to: "+12125550123", body: "hi" })).rejects.toThrow(/HTTP 502/);
  server.resetHandlers();
});

test("an unreachable Twilio is an error the outbox can retry", async () => {
  server.use(http.post("https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json", () => HttpResponse.error()));
  await expect((await createTwilioSms(config)).send({ to: "+12125550123", body: "hi" })).rejects.toThrow();
  server.resetHandlers();
});

test("asks Twilio to report the message's status to our callback", async () => {
  await (await createTwilioSms(config)).send({ to: "+12125550123", body: "hi", statusCallback: "https://medslot.example/api/messages/status" });
  expect(received.at(-1)!.form.get("StatusCallback")).toBe("https://medslot.example/api/messages/status");
});

describe("validateTwilioSignature", () => {
  const url = "https://medslot.example/api/messages/status";
  const params = { MessageSid: "SM0123456789abcdef0123456789abcdef", MessageStatus: "delivered", AccountSid: config.accountSid };
  // Twilio's scheme: base64 HMAC-SHA1 of the URL followed by each field name and value, sorted by name.
  const sign = (token: string, u: string, p: Record<string, string>) =>
    createHmac("sha1", token)
      .update(u + Object.keys(p).sort().map((k) => k + p[k]).join(""))
      .digest("base64");

  test("accepts Twilio's signature", async () => {
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, url, params), url, params)).toBe(true);
  });

  test("refuses a missing signature, another token, another URL or changed fields", async () => {
    expect(await validateTwilioSignature(config.authToken, null, url, params)).toBe(false);
    expect(await validateTwilioSignature(config.authToken, sign("other-token", url, params), url, params)).toBe(false);
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, `${url}?x=1`, params), url, params)).toBe(false);
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, url, params), url, { ...params, MessageStatus: "failed" })).toBe(false);
    expect(await validateTwilioSignature(config.authToken, `${sign(config.authToken, url, params)}x`, url, params)).toBe(false);
  });

  test("accepts a signature of the same URL with or without its default port, as Twilio may sign either", async () => {
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, "https://medslot.example:443/api/messages/status", params), url, params)).toBe(true);
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, url, params), "https://medslot.example:443/api/messages/status", params)).toBe(true);
    expect(await validateTwilioSignature(config.authToken, sign(config.authToken, "https://medslot.example:8443/api/messages/status", params), url, params)).toBe(false);
  });
});
