import { describe, expect, test } from "vitest";
import { readForm } from "~/utils/forms.server";

const url = "http://northside.localhost/staff/sign-in";

async function refusal(request: Request): Promise<Response> {
  try {
    await readForm(request);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("readForm accepted the request");
}

describe("readForm", () => {
  test("reads url-encoded and multipart forms", async () => {
    const encoded = new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" }, body: "email=a%40b.com&intent=password&intent=totp" });
    expect(await readForm(encoded)).toEqual({ email: "a@b.com", intent: "totp" });
    const body = new FormData();
    body.set("phone", "+12125550123");
    expect(await readForm(new Request(url, { method: "POST", body }))).toEqual({ phone: "+12125550123" });
  });

  test("other bodies get a plain 415, not a 500", async () => {
    for (const [type, body] of [
      ["application/json", '{"email":"a@b.com"}'],
      ["text/plain", "email=a@b.com"],
      [null, "email=a@b.com"],
    ] as const) {
      const headers = new Headers();
      if (type) headers.set("Content-Type", type);
      const response = await refusal(new Request(url, { method: "POST", headers, body }));
      expect(response.status).toBe(415);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(/application\/x-www-form-urlencoded/);
    }
  });

  test("a broken multipart body gets a plain 400", async () => {
    const response = await refusal(new Request(url, { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=x" }, body: "not multipart at all" }));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/could not be read/);
  });
});
