import { describe, expect, test } from "vitest";
import { clinicSiteOrigin, marketplaceOrigin, messageStatusCallbackUrl, siteOrigin } from "./public-urls.server";

describe("public addresses", () => {
  test("the local demo: plain http on the server's port", () => {
    const env = { APP_DOMAIN: "localhost", PORT: 3000 };
    expect(marketplaceOrigin(env)).toBe("http://localhost:3000");
    expect(clinicSiteOrigin("northside", env)).toBe("http://northside.localhost:3000");
  });

  test("a real domain: https without a port, unless PUBLIC_URL says otherwise", () => {
    const env = { APP_DOMAIN: "medslot.example", PORT: 8080 };
    expect(marketplaceOrigin(env)).toBe("https://medslot.example");
    expect(clinicSiteOrigin("northside", env)).toBe("https://northside.medslot.example");
    expect(messageStatusCallbackUrl(env)).toBe("https://medslot.example/api/messages/status");
    const staging = { ...env, PUBLIC_URL: "http://medslot.example:8080" };
    expect(clinicSiteOrigin("northside", staging)).toBe("http://northside.medslot.example:8080");
  });

  test("a clinic's verified custom domain keeps the configured scheme and port", () => {
    expect(siteOrigin({ host: "book.northside-health.example" }, { APP_DOMAIN: "medslot.example", PORT: 3000, PUBLIC_URL: "https://medslot.example" })).toBe("https://book.northside-health.example");
  });
});
