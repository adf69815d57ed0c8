import { describe, expect, test } from "vitest";
import { ipBucket, ipNetwork } from "./ip-bucket";

describe("ipBucket", () => {
  test("IPv4 addresses count one by one", () => {
    expect(ipBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(ipBucket(" 203.0.113.9 ")).toBe("203.0.113.9");
    expect(ipBucket("203.0.113.10")).not.toBe(ipBucket("203.0.113.9"));
  });

  test("IPv6 addresses count by their /64", () => {
    expect(ipBucket("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(ipBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipBucket("::1")).toBe("0:0:0:0::/64");
    expect(ipBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(ipBucket("[2001:db8:1:2::7]")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
    expect(ipBucket("1:2:3:4:5:6:192.0.2.1")).toBe("1:2:3:4::/64");
  });

  test("IPv4-mapped IPv6 addresses count as the IPv4 address", () => {
    expect(ipBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(ipBucket("::FFFF:cb00:7109")).toBe("203.0.113.9");
  });

  test("no address, no bucket; anything else is kept as given (bounded)", () => {
    expect(ipBucket(null)).toBeNull();
    expect(ipBucket(undefined)).toBeNull();
    expect(ipBucket("")).toBeNull();
    expect(ipBucket("Unknown")).toBe("unknown");
    expect(ipBucket("x".repeat(100))).toHaveLength(64);
  });
});

describe("ipNetwork", () => {
  test("IPv4 by its /24, IPv6 by its /64, nothing for no address", () => {
    expect(ipNetwork("203.0.113.9")).toBe("203.0.113.0/24");
    expect(ipNetwork("203.0.113.250")).toBe("203.0.113.0/24");
    expect(ipNetwork("203.0.114.9")).toBe("203.0.114.0/24");
    expect(ipNetwork("::ffff:203.0.113.9")).toBe("203.0.113.0/24");
    expect(ipNetwork("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipNetwork(null)).toBeNull();
  });
});
