import { describe, expect, test, vi } from "vitest";
import { z } from "zod";
import type { AppLoadContext } from "@remix-run/node";
import { problem, problemFromZod } from "./problem.server";
import {
  apiRoute,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  toProblem,
  UnauthorizedError,
  ValidationError,
} from "./errors.server";

async function body(response: Response) {
  return (await response.json()) as Record<string, unknown>;
}

describe("problem", () => {
  test("answers application/problem+json with the standard members", async () => {
    const response = problem({ status: 404, title: "Not found", detail: "No such appointment", type: "https://medslot.dev/problems/not-found", instance: "/api/v1/appointments/x" });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await body(response)).toEqual({
      type: "https://medslot.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: "No such appointment",
      instance: "/api/v1/appointments/x",
    });
  });

  test("defaults type to about:blank and leaves out empty members", async () => {
    expect(await body(problem({ status: 400, title: "Bad Request", errors: [] }))).toEqual({ type: "about:blank", title: "Bad Request", status: 400 });
  });

  test("extensions cannot replace the standard members", async () => {
    const doc = await body(problem({ status: 409, title: "Conflict", extensions: { status: 200, title: "ok", alternatives: [1] } }));
    expect(doc).toMatchObject({ status: 409, title: "Conflict", alternatives: [1] });
  });

  test("problemFromZod lists every invalid field with its path", async () => {
    const schema = z.object({ serviceId: z.string().uuid(), patient: z.object({ phone: z.string().min(5) }), tags: z.array(z.string()) });
    const result = schema.safeParse({ serviceId: "nope", patient: { phone: "1" }, tags: ["a", 2] });
    expect(result.success).toBe(false);
    const response = problemFromZod(result.error!);
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const doc = await body(response);
    expect(doc.type).toBe("https://medslot.dev/problems/invalid-input");
    expect((doc.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["patient.phone", "serviceId", "tags.1"]);
  });
});

describe("toProblem", () => {
  test.each([
    [new NotFoundError("No such appointment"), 404, "not-found"],
    [new ForbiddenError(), 403, "forbidden"],
    [new UnauthorizedError(), 401, "unauthorized"],
    [new ValidationError("Start must be in the future", [{ path: "start", message: "in the past" }]), 422, "invalid-input"],
    [new ConflictError("That time was just taken"), 409, "conflict"],
    [new RateLimitedError("Too many codes", 90), 429, "rate-limited"],
  ])("maps %o to its status and type", async (error, status, slug) => {
    const response = toProblem(error, "req-1");
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const doc = await body(response);
    expect(doc).toMatchObject({ status, type: `https://medslot.dev/problems/${slug}`, detail: error.detail, requestId: "req-1" });
  });

  test("a conflict carries its alternatives", async () => {
    const alternatives = [{ start: "2026-03-01T09:30:00-05:00" }];
    expect(await body(toProblem(new ConflictError("Taken", { alternatives }), "r"))).toMatchObject({ alternatives });
    expect(await body(toProblem(new ConflictError("Taken"), "r"))).not.toHaveProperty("alternatives");
  });

  test("validation errors carry their field errors", async () => {
    const doc = await body(toProblem(new ValidationError("Bad", [{ path: "start", message: "in the past" }]), "r"));
    expect(doc.errors).toEqual([{ path: "start", message: "in the past" }]);
  });

  test("rate limits say when to come back, in the header and the body", async () => {
    const response = toProblem(new RateLimitedError("Too many codes", 89.2), "r");
    expect(response.headers.get("retry-after")).toBe("90");
    expect(await body(response)).toMatchObject({ retryAfterSeconds: 90 });
  });

  test("unauthorized answers name the Bearer scheme", () => {
    expect(toProblem(new UnauthorizedError(), "r").headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  test("zod errors become 422 with field errors", async () => {
    const result = z.object({ start: z.iso.datetime({ offset: true }) }).safeParse({ start: "tomorrow" });
    const response = toProblem(result.error, "r");
    expect(response.status).toBe(422);
    expect(await body(response)).toMatchObject({ errors: [{ path: "start" }], requestId: "r" });
  });

  test("a thrown Response passes through unchanged", () => {
    const redirect = new Response(null, { status: 302, headers: { Location: "/sign-in" } });
    expect(toProblem(redirect, "r")).toBe(redirect);
  });

  test("unknown errors are a generic 500 that does not leak, logged with the request id", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const response = toProblem(new Error('relation "patients" violates password=hunter2'), "req-42");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/patients|hunter2/);
    expect(JSON.parse(text)).toMatchObject({ status: 500, requestId: "req-42", type: "https://medslot.dev/problems/internal-error" });
    const logged = stderr.mock.calls.map((c) => String(c[0])).join("");
    expect(logged).toContain('"requestId":"req-42"');
    expect(logged).toContain("unhandled error");
  });

  test("non-Error throwables are handled too", () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(toProblem("boom", "r").status).toBe(500);
    expect(toProblem(undefined, "r").status).toBe(500);
  });
});

describe("apiRoute", () => {
  const context = { requestId: "req-7", clientIp: "127.0.0.1" } as AppLoadContext;
  const request = new Request("http://northside.localhost/api/v1/appointments/1");

  test("returns the handler's answer when it succeeds", async () => {
    const ok = Response.json({ ok: true });
    expect(await apiRoute(async () => ok)({ request, context })).toBe(ok);
  });

  test("turns thrown domain and zod errors into problem documents", async () => {
    const notFound = await apiRoute(async () => {
      throw new NotFoundError("No such appointment");
    })({ request, context });
    expect((notFound as Response).status).toBe(404);
    expect(await body(notFound as Response)).toMatchObject({ requestId: "req-7" });

    const invalid = await apiRoute(({ request }) => {
      z.object({ reason: z.string().min(1) }).parse(Object.fromEntries(new URL(request.url).searchParams));
      return Response.json({});
    })({ request, context });
    expect((invalid as Response).status).toBe(422);
  });

  test("passes a thrown Response through unchanged", async () => {
    const thrown = new Response("gone", { status: 410 });
    expect(
      await apiRoute(async () => {
        throw thrown;
      })({ request, context }),
    ).toBe(thrown);
  });
});
