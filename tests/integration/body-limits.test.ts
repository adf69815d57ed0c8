/**
 * Request-body limits on the real HTTP app (production build, test database): a declared
 * Content-Length over the limit is refused before the body is sent, a chunked body is cut off
 * while it streams, the answer is a 413 page or problem document, and a body just under the
 * limit still reaches its route. Limits: app/utils/body-limit.server.ts.
 */
import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { MAX_UPLOADED_LOGO_BYTES } from "~/modules/clinic/branding";
import { MAX_DOCUMENT_BYTES } from "~/modules/clinic/onboarding-words";
import { bodyLimitFor, MULTIPART_OVERHEAD_BYTES } from "~/utils/body-limit.server";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, type Answer, type RunningApp, type Sent } from "../support/http-app";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

const KB = 1024;
const MB = 1024 * KB;
const FORM = "application/x-www-form-urlencoded";
const PROBLEM = "application/problem+json";

let app: RunningApp;
let f: PanelFixture;
let apiKey: string;

beforeAll(async () => {
  // With Stripe configured the webhook route reads its body (without, it answers 404 unread);
  // the server loads the Stripe SDK at start-up. No call reaches Stripe here.
  vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_body_limits");
  vi.stubEnv("STRIPE_WEBHOOK_SECRET", "whsec_body_limits");
  app = await startHttpApp();
  f = await createPanelFixture();
  apiKey = (await createApiKey(testDb().forClinic(f.clinic.id), "Body limit test", "cli")).key;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

/** A same-site form post on the clinic's host, as a browser sends it. */
const post = (path: string, body: Sent["body"], headers: Record<string, string> = {}) =>
  send({ port: app.port, host: f.host, path, body, headers: { "content-type": FORM, origin: `http://${f.host}`, accept: "text/html,application/xhtml+xml,*/*;q=0.8", ...headers } });

function expectPage413(answer: Answer) {
  expect(answer.status).toBe(413);
  expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(answer.text).toContain("The form was too large to send");
  expect(answer.headers["x-request-id"]).toBeTruthy();
}

function expectProblem413(answer: Answer, maxBytes: number) {
  expect(answer.status).toBe(413);
  expect(answer.headers["content-type"]).toBe(PROBLEM);
  expect(JSON.parse(answer.text)).toMatchObject({ type: "https://medslot.dev/problems/payload-too-large", title: "Request body too large", status: 413, maxBytes });
}

async function multipart(fields: Record<string, string | File>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get("content-type")! };
}

describe("HTML forms: 64 KB", () => {
  test("a 30 MB form posted to /sign-in or /staff/sign-in is refused from its Content-Length, before it is sent", async () => {
    for (const path of ["/sign-in", "/staff/sign-in"]) {
      const answer = await post(path, { declared: 30 * MB });
      expectPage413(answer);
      expect(answer.bytesSentBeforeAnswer).toBe(0);
    }
    // The request log and the app are still there.
    const health = await send({ port: app.port, host: "localhost", path: "/healthz", method: "GET" });
    expect(health.status).toBe(200);
  });

  test("a client that asks for JSON gets a problem document", async () => {
    expectProblem413(await post("/sign-in", { declared: 65 * KB }, { accept: "application/json" }), 64 * KB);
    expectProblem413(await post("/sign-in", { declared: 65 * KB }, { "content-type": "application/json", accept: "*/*" }), 64 * KB);
  });

  test("a chunked form without Content-Length is counted as it arrives and cut off past 64 KB", async () => {
    const answer = await post("/sign-in", { chunked: { prefix: "intent=send&phone=", fill: "1", upTo: 32 * MB } });
    expectPage413(answer);
    // The answer came while the client was still sending: the server stopped reading.
    expect(answer.bodyFinished).toBe(false);
    expect(answer.bytesSentBeforeAnswer).toBeLessThan(32 * MB);
  });

  test("a form just under 64 KB is read by the route, and the phone it echoes is cut to the field's 40 characters", async () => {
    const phone = "1".repeat(64 * KB - 100);
    for (const body of [`intent=send&phone=${phone}`, { chunked: { prefix: "intent=send&phone=", fill: "1", upTo: 64 * KB - 100 } }]) {
      const answer = await post("/sign-in", body);
      expect(answer.status).toBe(400);
      expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(answer.text).toContain("That number is too long.");
      expect(answer.text).toContain("1".repeat(40));
      expect(answer.text).not.toContain("1".repeat(41));
    }
  });

  test("a staff email is echoed cut to 254 characters", async () => {
    const email = `${"a".repeat(60 * KB)}@clinic.test`;
    const answer = await post("/staff/sign-in", `intent=password&email=${email}&password=x`);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("a".repeat(254));
    expect(answer.text).not.toContain("a".repeat(255));
  });

  test("a page's enhanced form post (.data) gets Remix's encoding of a 413, naming the rule", async () => {
    const answer = await post("/sign-in.data", { declared: 100 * KB }, { accept: "*/*" });
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^text\/x-script/);
    expect(answer.headers["x-remix-response"]).toBe("yes");
    expect(answer.text).toContain('"ErrorResponse"');
    expect(answer.text).toContain("A form may send at most 64 KB.");
  });

  test("the same-origin check still comes first for a cross-site post", async () => {
    const answer = await post("/sign-in", "intent=send&phone=2125550123", { origin: "http://evil.example" });
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toContain(PROBLEM);
  });

  test("the request log records the 413", async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      const answer = await post("/sign-in", { declared: 1 * MB }, { "x-request-id": "body-limit-log-1" });
      expect(answer.status).toBe(413);
      await vi.waitFor(() => expect(lines.some((l) => l.includes('"msg":"request"') && l.includes("body-limit-log-1") && l.includes('"status":413'))).toBe(true));
    } finally {
      spy.mockRestore();
    }
  });
});

describe("after a 413, the rest of the body", () => {
  /** A form post over a raw socket, declaring 2 MB: the client decides when (and whether) the rest comes. */
  async function refusedUpload() {
    // Half-open, like a browser still uploading: the server having said its piece does not end our side.
    const socket = net.connect({ port: app.port, host: "127.0.0.1", allowHalfOpen: true });
    await once(socket, "connect");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.write(
      `POST /sign-in HTTP/1.1\r\nHost: ${f.host}\r\nOrigin: http://${f.host}\r\nContent-Type: ${FORM}\r\nAccept: text/html\r\nConnection: close\r\nContent-Length: ${2 * MB}\r\n\r\nintent=send&phone=`,
    );
    await vi.waitFor(() => expect(received).toContain("The form was too large to send"), { timeout: 10_000 });
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    return { socket, closed };
  }

  test("is taken off the wire while it keeps coming, past the few seconds a quiet client gets, so a slow sender is not reset", async () => {
    const { socket, closed } = await refusedUpload();
    const started = Date.now();
    let sent = 0;
    // 64 KB every 400 ms for about 7 seconds: never quiet for long, but longer in all than a quiet client is given.
    while (Date.now() - started < 7_000) {
      const chunk = Buffer.alloc(64 * KB, "1");
      await new Promise<void>((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve())));
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(socket.destroyed).toBe(false);
    expect(sent).toBeGreaterThan(MB);
    socket.end();
    await closed;
  }, 30_000);

  test("a client that goes quiet after the answer is let go after a few seconds", async () => {
    const { socket } = await refusedUpload();
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    // The server's side is gone: what is sent now is refused (the first write may still be taken by the system).
    const write = () => new Promise<Error | undefined>((resolve) => socket.write(Buffer.alloc(16 * KB, "1"), (error) => resolve(error ?? undefined)));
    let refused: Error | undefined;
    for (let i = 0; i < 20 && !refused && !socket.destroyed; i++) {
      refused = await write();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused ?? socket.destroyed).toBeTruthy();
    socket.destroy();
  }, 30_000);
});

describe("uploads: the documented size plus the multipart around it", () => {
  const documents = bodyLimitFor("/panel/documents").bytes;
  const logo = bodyLimitFor("/panel/clinic").bytes;

  test("the limits are the documented file sizes plus 64 KB", () => {
    expect(documents).toBe(MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES);
    expect(logo).toBe(MAX_UPLOADED_LOGO_BYTES + MULTIPART_OVERHEAD_BYTES);
  });

  test("a document over 5 MB is refused from its Content-Length, and chunked while it streams", async () => {
    const declared = await post("/panel/documents", { declared: documents + 1 }, { cookie: f.cookies.owner, "content-type": "multipart/form-data; boundary=x" });
    expectPage413(declared);
    expect(declared.text).toContain("A clinic document may be at most 5 MB.");
    const prefix = '--x\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload\r\n--x\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n';
    const chunked = await post("/panel/documents", { chunked: { prefix, fill: "0", upTo: 64 * MB } }, { cookie: f.cookies.owner, "content-type": "multipart/form-data; boundary=x" });
    expectPage413(chunked);
    expect(chunked.bodyFinished).toBe(false);
  });

  test("a 5 MB document (the most allowed) is uploaded", async () => {
    const pdf = Buffer.alloc(MAX_DOCUMENT_BYTES, "0");
    pdf.write("%PDF-1.4\n");
    const { body, type } = await multipart({ intent: "upload", kind: "licence", title: "State licence", file: new File([new Uint8Array(pdf)], "licence.pdf", { type: "application/pdf" }) });
    expect(body.byteLength).toBeGreaterThan(MAX_DOCUMENT_BYTES);
    expect(body.byteLength).toBeLessThanOrEqual(documents);
    const answer = await post("/panel/documents", body, { cookie: f.cookies.owner, "content-type": type });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("is uploaded and waits for review by Medslot.");
    const stored = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinicDocument.findFirst({ where: { clinicId: f.clinic.id, title: "State licence" }, select: { sizeBytes: true } }));
    expect(stored?.sizeBytes).toBe(MAX_DOCUMENT_BYTES);
  });

  test("a logo over 1 MB is refused; a small one is saved", async () => {
    expectPage413(await post("/panel/clinic", { declared: logo + 1 }, { cookie: f.cookies.owner, "content-type": "multipart/form-data; boundary=x" }));
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
    const { body, type } = await multipart({ intent: "logo", logo: new File([new Uint8Array(png)], "logo.png", { type: "image/png" }) });
    const answer = await post("/panel/clinic", body, { cookie: f.cookies.owner, "content-type": type });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("The new logo is on the clinic&#x27;s site.");
  });
});

describe("API v1 JSON: 64 KB", () => {
  const api = (body: Sent["body"]) =>
    send({ port: app.port, host: f.host, path: "/api/v1/appointments", body, headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, accept: "application/json" } });

  test("over 64 KB, declared or chunked: 413 problem document", async () => {
    expectProblem413(await api({ declared: 70 * KB }), 64 * KB);
    const chunked = await api({ chunked: { prefix: '{"note":"', fill: "x", upTo: 16 * MB } });
    expectProblem413(chunked, 64 * KB);
    expect(chunked.bodyFinished).toBe(false);
  });

  test("just under 64 KB: read and validated (422 for the note, not 413)", async () => {
    const answer = await api(JSON.stringify({ note: "x".repeat(60 * KB) }));
    expect(answer.status).toBe(422);
    expect(answer.headers["content-type"]).toBe(PROBLEM);
    expect((JSON.parse(answer.text) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain("note");
  });
});

describe("webhooks and Inngest", () => {
  const machine = (path: string, body: Sent["body"], type = "application/json") => send({ port: app.port, host: "localhost", path, body, headers: { "content-type": type } });

  test("Stripe's webhook: over 256 KB is 413 (declared or chunked); under it reaches the route", async () => {
    expectProblem413(await machine("/api/payments/webhook", { declared: 256 * KB + 1 }), 256 * KB);
    expectProblem413(await machine("/api/payments/webhook", { chunked: { prefix: '{"id":"evt_1","data":"', fill: "x", upTo: 16 * MB } }), 256 * KB);
    // Under the limit the route reads it and checks Stripe's signature.
    const under = await machine("/api/payments/webhook", JSON.stringify({ id: "evt_1", data: "x".repeat(200 * KB) }));
    expect(under.status).toBe(400);
    expect(JSON.parse(under.text)).toMatchObject({ type: "https://medslot.dev/problems/invalid-webhook-signature" });
  });

  test("Twilio's status callback: over 64 KB is 413; Inngest: over 4 MB is 413", async () => {
    expectProblem413(await machine("/api/messages/status", { chunked: { prefix: "MessageSid=SM1&Body=", fill: "x", upTo: 16 * MB } }, FORM), 64 * KB);
    const under = await machine("/api/messages/status", `MessageSid=SM1&MessageStatus=sent&Pad=${"x".repeat(60 * KB)}`, FORM);
    expect(under.status).toBe(403); // read, then refused for its missing signature
    expectProblem413(await machine("/api/inngest", { declared: 4 * MB + 1 }), 4 * MB);
  });
});
