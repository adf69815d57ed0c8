import { describe, expect, test } from "vitest";
import { baselineSecurityHeaders, pageContentSecurityPolicy } from "./security-headers.server";

const demo = { APP_DOMAIN: "localhost", PORT: 3000 };
const production = { APP_DOMAIN: "medslot.example", PORT: 3000 };

describe("pageContentSecurityPolicy", () => {
  test("scripts need the nonce; our own sites may serve images and receive forms", () => {
    const csp = pageContentSecurityPolicy("abc123", production);
    expect(csp).toContain("script-src 'self' 'nonce-abc123';");
    expect(csp).toContain("img-src 'self' data: blob: https://medslot.example https://*.medslot.example https://*.tile.openstreetmap.org;");
    expect(csp).toContain("form-action 'self' https://medslot.example https://*.medslot.example;");
    expect(csp).toContain("frame-src 'none'");
    expect(csp).not.toContain("stripe");
  });

  test("Stripe.js, its card frames and its API are allowed only when Stripe is configured", () => {
    const csp = pageContentSecurityPolicy("abc123", { ...production, STRIPE_SECRET_KEY: "sk_test_x", STRIPE_PUBLISHABLE_KEY: "pk_test_x" });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' https://js.stripe.com;");
    expect(csp).toContain("frame-src https://js.stripe.com https://hooks.stripe.com;");
    expect(csp).toContain("connect-src 'self' https://api.stripe.com;");
    expect(csp).toContain("https://connect.stripe.com");
  });

  test("the local demo's sites are http on its port", () => {
    expect(pageContentSecurityPolicy("n", demo)).toContain("form-action 'self' http://localhost:3000 http://*.localhost:3000;");
  });
});

describe("baselineSecurityHeaders", () => {
  test("HSTS when the product is reached over HTTPS, not on the plain-http demo", () => {
    expect(baselineSecurityHeaders(production, false)["Strict-Transport-Security"]).toBe("max-age=31536000");
    expect(baselineSecurityHeaders(demo, false)["Strict-Transport-Security"]).toBeUndefined();
    expect(baselineSecurityHeaders(demo, true)["Strict-Transport-Security"]).toBe("max-age=31536000");
  });
});
