import { Readable } from "node:stream";
import { UNSAFE_ErrorResponseImpl as ErrorResponse } from "@remix-run/router";
import { encodeViaTurboStream } from "@remix-run/server-runtime/dist/single-fetch.js";
import { describe, expect, test } from "vitest";
import { bodyLimitFor, bodyTooLargeResponse, BodyTooLargeError, declaresMoreThan, DEFAULT_BODY_LIMIT, formatBytes, isBodyTooLarge, limitedBody, readBodyWithin } from "./body-limit.server";

const KB = 1024;
const MB = 1024 * KB;

describe("the limit for a path", () => {
  test("uploads, notes, the API, webhooks and Inngest have their own; everything else is a 64 KB form", () => {
    expect(bodyLimitFor("/sign-in").bytes).toBe(64 * KB);
    expect(bodyLimitFor("/staff/sign-in")).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor("/panel/documents").bytes).toBe(5 * MB + 64 * KB);
    expect(bodyLimitFor("/panel/clinic").bytes).toBe(1 * MB + 64 * KB);
    // A doctor's photo, from their own profile or the owner's staff page.
    expect(bodyLimitFor("/panel/profile").bytes).toBe(1 * MB + 64 * KB);
    expect(bodyLimitFor("/panel/staff.data").bytes).toBe(1 * MB + 64 * KB);
    expect(bodyLimitFor("/panel/patients/6c1f0f0e-0000-4000-8000-000000000000").bytes).toBe(256 * KB);
    expect(bodyLimitFor("/api/v1/appointments").bytes).toBe(64 * KB);
    expect(bodyLimitFor("/api/payments/webhook").bytes).toBe(256 * KB);
    expect(bodyLimitFor("/api/messages/status").bytes).toBe(64 * KB);
    expect(bodyLimitFor("/api/inngest").bytes).toBe(4 * MB);
  });

  test("a prefix matches whole segments; a page's enhanced post (.data) and upper case count as the page", () => {
    expect(bodyLimitFor("/panel/documents.data").bytes).toBe(5 * MB + 64 * KB);
    expect(bodyLimitFor("/PANEL/Clinic").bytes).toBe(1 * MB + 64 * KB);
    expect(bodyLimitFor("/panel/documents-and-more")).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor("/panel/clinics")).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor("/_root.data")).toBe(DEFAULT_BODY_LIMIT);
    // Dot segments are resolved before the lookup (new URL does), so they cannot borrow an upload's limit.
    expect(bodyLimitFor(new URL("http://x/panel/documents/../../sign-in").pathname)).toBe(DEFAULT_BODY_LIMIT);
  });

  test("sizes read the way the docs say them", () => {
    expect(formatBytes(64 * KB)).toBe("64 KB");
    expect(formatBytes(4 * MB)).toBe("4 MB");
    expect(formatBytes(5 * MB + 64 * KB)).toBe("5.06 MB");
  });

  test("a declared Content-Length over the limit", () => {
    expect(declaresMoreThan("65537", 64 * KB)).toBe(true);
    expect(declaresMoreThan("65536", 64 * KB)).toBe(false);
    expect(declaresMoreThan(undefined, 64 * KB)).toBe(false);
    expect(declaresMoreThan("", 64 * KB)).toBe(false);
  });
});

/** A source that yields `chunks` one at a time and records how many were pulled. */
function source(chunks: Buffer[]) {
  let pulled = 0;
  const readable = new Readable({
    read() {
      const next = chunks[pulled];
      pulled += 1;
      this.push(next ?? null);
    },
  });
  return { readable, pulled: () => pulled };
}

describe("limitedBody: counting a body as it arrives", () => {
  test("a body within the limit passes through whole", async () => {
    const { readable } = source([Buffer.from("a".repeat(40 * KB)), Buffer.from("b".repeat(24 * KB))]);
    const text = await new Response(limitedBody(readable, 64 * KB, () => expect.fail("not too large"))).text();
    expect(text).toBe("a".repeat(40 * KB) + "b".repeat(24 * KB));
  });

  test("past the limit the stream errors, the source is paused and left, and the rest is never pulled", async () => {
    const { readable, pulled } = source(Array.from({ length: 1000 }, () => Buffer.alloc(16 * KB, "x")));
    let told: BodyTooLargeError | undefined;
    const body = limitedBody(readable, 64 * KB, (error) => (told = error));
    const read = new Response(body).arrayBuffer();
    await expect(read).rejects.toSatisfy(isBodyTooLarge);
    expect(told?.limit).toBe(64 * KB);
    expect(readable.isPaused()).toBe(true);
    expect(readable.listenerCount("data")).toBe(0);
    expect(readable.destroyed).toBe(false); // the answer still goes out on this connection
    expect(pulled()).toBeLessThan(10);
  });

  test("a client that goes away mid-body is an error, not a short body", async () => {
    const readable = new Readable({ read() {} });
    const read = new Response(limitedBody(readable, 64 * KB, () => {})).text();
    readable.push("half a bo");
    readable.destroy();
    await expect(read).rejects.toThrow(/closed the connection/);
  });

  test("readBodyWithin refuses a Fetch body by its Content-Length or by counting", async () => {
    const declared = new Request("http://x/api/v1/appointments", { method: "POST", body: "{}", headers: { "content-length": String(70 * KB) } });
    await expect(readBodyWithin(declared, 64 * KB)).rejects.toSatisfy(isBodyTooLarge);
    const counted = new Request("http://x/api/v1/appointments", { method: "POST", body: "x".repeat(64 * KB + 1) });
    await expect(readBodyWithin(counted, 64 * KB)).rejects.toBeInstanceOf(BodyTooLargeError);
    const fits = new Request("http://x/api/v1/appointments", { method: "POST", body: "x".repeat(64 * KB) });
    expect((await readBodyWithin(fits, 64 * KB)).byteLength).toBe(64 * KB);
  });
});

describe("the 413 answer", () => {
  const answer = (pathname: string, accept: string | null = null, contentType: string | null = null) => bodyTooLargeResponse({ pathname, accept, contentType }, bodyLimitFor(pathname));

  test("a page for a browser's form, naming the rule and linking back", async () => {
    const response = answer("/panel/documents", "text/html,application/xhtml+xml,*/*;q=0.8", "multipart/form-data; boundary=x");
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await response.text();
    expect(page).toContain("The form was too large to send");
    expect(page).toContain("A clinic document may be at most 5 MB.");
    expect(page).toContain('href="/panel/documents"');
    expect(await answer("//evil.example/x").text()).toContain('href="/evil.example/x"');
  });

  test("a problem document for the API, webhooks, JSON bodies and clients that want JSON", async () => {
    for (const [pathname, accept, type] of [
      ["/api/v1/appointments", null, null],
      ["/api/inngest", "*/*", null],
      ["/sign-in", "application/json", null],
      ["/sign-in", "application/problem+json", null],
      ["/sign-in", "*/*", "application/json; charset=utf-8"],
    ] as const) {
      const response = answer(pathname, accept, type);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 413, type: "https://medslot.dev/problems/payload-too-large", maxBytes: bodyLimitFor(pathname).bytes });
    }
    expect(answer("/sign-in", "text/html, application/json").headers.get("content-type")).toContain("text/html");
  });

  test("an enhanced form post (.data) gets exactly what Remix sends for an action's thrown 413", async () => {
    const response = answer("/panel/clinic.data", "*/*");
    expect(response.headers.get("content-type")).toBe("text/x-script");
    const remix = encodeViaTurboStream({ error: new ErrorResponse(413, "Payload Too Large", "A logo may be at most 1 MB.") }, new AbortController().signal, 5_000, "production" as never);
    expect(await response.text()).toBe(await new Response(remix).text());
  });
});
