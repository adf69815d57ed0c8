import { describe, expect, test } from "vitest";
import { classifyHost, normalizeHost, RESERVED_SUBDOMAINS } from "./host";

describe("normalizeHost", () => {
  test.each([
    ["NorthSide.LocalHost:3000", "northside.localhost"],
    ["northside.localhost.:3000", "northside.localhost"],
    ["northside.localhost.", "northside.localhost"],
    ["  Book.Clinic.COM  ", "book.clinic.com"],
    ["[::1]:3000", "[::1]:3000"],
    ["", ""],
  ])("%j → %j", (raw, normalized) => {
    expect(normalizeHost(raw)).toBe(normalized);
  });

  test("null and undefined become an empty host", () => {
    expect(normalizeHost(null)).toBe("");
    expect(normalizeHost(undefined)).toBe("");
  });
});

describe("classifyHost with APP_DOMAIN=localhost", () => {
  const classify = (host: string | null | undefined) => classifyHost(host, "localhost");

  test("the bare domain is the marketplace, with or without a port, in any case", () => {
    expect(classify("localhost")).toEqual({ kind: "marketplace", host: "localhost" });
    expect(classify("localhost:3000")).toEqual({ kind: "marketplace", host: "localhost" });
    expect(classify("LOCALHOST:3000")).toEqual({ kind: "marketplace", host: "localhost" });
    expect(classify("localhost.")).toEqual({ kind: "marketplace", host: "localhost" });
  });

  test("a subdomain names a clinic by its slug", () => {
    expect(classify("northside.localhost:3000")).toEqual({ kind: "clinic", slug: "northside", host: "northside.localhost" });
    expect(classify("spree-physio.localhost")).toEqual({ kind: "clinic", slug: "spree-physio", host: "spree-physio.localhost" });
    expect(classify("clinic42.localhost:8080")).toEqual({ kind: "clinic", slug: "clinic42", host: "clinic42.localhost" });
  });

  test("upper-case hosts and a trailing dot name the same clinic", () => {
    expect(classify("NorthSide.LocalHost:3000")).toEqual({ kind: "clinic", slug: "northside", host: "northside.localhost" });
    expect(classify("SILK-ROAD-DENTAL.LOCALHOST")).toEqual({ kind: "clinic", slug: "silk-road-dental", host: "silk-road-dental.localhost" });
    expect(classify("northside.localhost.")).toEqual({ kind: "clinic", slug: "northside", host: "northside.localhost" });
    expect(classify("northside.localhost.:3000")).toEqual({ kind: "clinic", slug: "northside", host: "northside.localhost" });
  });

  test.each([...RESERVED_SUBDOMAINS])("the reserved name %s is never a clinic", (label) => {
    expect(classify(`${label}.localhost:3000`)).toEqual({ kind: "reserved", label, host: `${label}.localhost` });
    expect(classify(`${label.toUpperCase()}.localhost`)).toEqual({ kind: "reserved", label, host: `${label}.localhost` });
  });

  test("the reserved names are exactly www, admin, api, app and static", () => {
    expect([...RESERVED_SUBDOMAINS].sort()).toEqual(["admin", "api", "app", "static", "www"]);
  });

  test("nested subdomains are no site at all", () => {
    expect(classify("a.northside.localhost")).toEqual({ kind: "invalid", host: "a.northside.localhost" });
    expect(classify("www.northside.localhost:3000")).toEqual({ kind: "invalid", host: "www.northside.localhost" });
  });

  test("any other host may be a clinic's custom domain (the directory decides)", () => {
    expect(classify("book.northside-clinic.com")).toEqual({ kind: "custom-domain", host: "book.northside-clinic.com" });
    expect(classify("Book.Northside-Clinic.COM.:443")).toEqual({ kind: "custom-domain", host: "book.northside-clinic.com" });
    expect(classify("northside-clinic.com")).toEqual({ kind: "custom-domain", host: "northside-clinic.com" });
    // localhost look-alikes are not the platform domain.
    expect(classify("notlocalhost")).toEqual({ kind: "custom-domain", host: "notlocalhost" });
    expect(classify("northside.localhost.evil.com")).toEqual({ kind: "custom-domain", host: "northside.localhost.evil.com" });
  });

  test("an IPv4 address is never a clinic or the marketplace: only a custom-domain lookup, which finds nothing", () => {
    expect(classify("127.0.0.1:3000")).toEqual({ kind: "custom-domain", host: "127.0.0.1" });
  });

  test.each([
    ["[::1]:3000", "[::1]:3000"],
    ["[::1]", "[::1]"],
    ["[2001:db8::1]:443", "[2001:db8::1]:443"],
    ["", ""],
    ["   ", ""],
    ["exa mple.localhost", "exa mple.localhost"],
    ["a..localhost", "a..localhost"],
    [".localhost", ".localhost"],
    ["-north.localhost", "-north.localhost"],
    ["north-.localhost", "north-.localhost"],
    ["north_side.localhost", "north_side.localhost"],
    ["nörthside.localhost", "nörthside.localhost"],
    ["northside.localhost:abc", "northside.localhost:abc"],
    ["northside.localhost/evil", "northside.localhost/evil"],
    ["user@northside.localhost", "user@northside.localhost"],
    [`${"a".repeat(64)}.localhost`, `${"a".repeat(64)}.localhost`],
  ])("garbage host %j is invalid", (raw, host) => {
    expect(classify(raw)).toEqual({ kind: "invalid", host });
  });

  test("a missing Host header is invalid", () => {
    expect(classify(null)).toEqual({ kind: "invalid", host: "" });
    expect(classify(undefined)).toEqual({ kind: "invalid", host: "" });
  });

  test("a 63-character label is still a valid slug", () => {
    const slug = `a${"b".repeat(61)}c`;
    expect(classify(`${slug}.localhost`)).toEqual({ kind: "clinic", slug, host: `${slug}.localhost` });
  });
});

describe("classifyHost with a real APP_DOMAIN", () => {
  const domain = "medslot.example";

  test("the port-less APP_DOMAIN matches hosts that carry a port", () => {
    expect(classifyHost("medslot.example:443", domain)).toEqual({ kind: "marketplace", host: "medslot.example" });
    expect(classifyHost("northside.medslot.example:8080", domain)).toEqual({ kind: "clinic", slug: "northside", host: "northside.medslot.example" });
  });

  test("an APP_DOMAIN written with upper case, a port or a trailing dot still works", () => {
    expect(classifyHost("northside.medslot.example", "Medslot.Example")).toMatchObject({ kind: "clinic", slug: "northside" });
    expect(classifyHost("northside.medslot.example", "medslot.example:3000")).toMatchObject({ kind: "clinic", slug: "northside" });
    expect(classifyHost("medslot.example", "medslot.example.")).toMatchObject({ kind: "marketplace" });
  });

  test("localhost subdomains are not clinics on a real domain", () => {
    expect(classifyHost("northside.localhost:3000", domain)).toEqual({ kind: "custom-domain", host: "northside.localhost" });
  });

  test("reserved names and nested subdomains apply under the real domain too", () => {
    expect(classifyHost("admin.medslot.example", domain)).toEqual({ kind: "reserved", label: "admin", host: "admin.medslot.example" });
    expect(classifyHost("api.medslot.example", domain)).toEqual({ kind: "reserved", label: "api", host: "api.medslot.example" });
    expect(classifyHost("x.northside.medslot.example", domain)).toEqual({ kind: "invalid", host: "x.northside.medslot.example" });
  });

  test("a domain that merely ends with the same letters is a custom domain, not a clinic", () => {
    expect(classifyHost("evilmedslot.example", domain)).toEqual({ kind: "custom-domain", host: "evilmedslot.example" });
  });
});
