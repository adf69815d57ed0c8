import { describe, expect, test } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const HEADER = "Invalid environment (see .env.example):";

/** The exact message parseEnv throws for an environment. */
function failure(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

const message = (...lines: string[]) => [HEADER, ...lines.map((l) => `  - ${l}`)].join("\n");

const runtimeUrl = "postgresql://medslot_app:secret@db.internal:5432/medslot";
const ownerUrl = "postgresql://medslot_owner:secret@db.internal:5432/medslot";
const secret = "x".repeat(32);

describe("parseEnv", () => {
  test("an empty environment gets the documented defaults (embedded database, console messages)", () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: "development",
      PORT: 3000,
      APP_DOMAIN: "localhost",
      LOG_LEVEL: "info",
      TRUST_PROXY: "none",
      EMBEDDED_PG_PORT: 54329,
      MARKETPLACE_SMS_COUNTRIES: ["US", "CA", "DE", "AT", "CH", "UZ"],
      SMS_CODES_PER_PHONE_HOUR: 6,
      SMS_CODES_PER_CLINIC_HOUR: 300,
      SMS_CODES_PER_PLATFORM_HOUR: 3000,
    });
  });

  test("values are parsed: numbers, lower-cased domain, empty optional strings dropped", () => {
    const env = parseEnv({
      NODE_ENV: "test",
      PORT: "8080",
      APP_DOMAIN: " Medslot.Example ",
      EMBEDDED_PG_PORT: "60000",
      LOG_LEVEL: "warn",
      STRIPE_SECRET_KEY: "",
      SMTP_URL: "   ",
      INNGEST_BASE_URL: " http://127.0.0.1:8288 ",
    });
    expect(env).toMatchObject({ NODE_ENV: "test", PORT: 8080, APP_DOMAIN: "medslot.example", EMBEDDED_PG_PORT: 60000, LOG_LEVEL: "warn" });
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.INNGEST_BASE_URL).toBe("http://127.0.0.1:8288");
  });

  test.each([
    ["abc", "PORT: Invalid input: expected number, received NaN"],
    ["0", "PORT: Too small: expected number to be >=1"],
    ["65536", "PORT: Too big: expected number to be <=65535"],
    ["-1", "PORT: Too small: expected number to be >=1"],
    ["3000.5", "PORT: Invalid input: expected int, received number"],
  ])("a bad PORT %j is refused", (port, line) => {
    expect(failure({ PORT: port })).toBe(message(line));
  });

  test("a bad EMBEDDED_PG_PORT is refused", () => {
    expect(failure({ EMBEDDED_PG_PORT: "x" })).toBe(message("EMBEDDED_PG_PORT: Invalid input: expected number, received NaN"));
  });

  test("database URLs must be postgresql:// URLs, and both are needed together", () => {
    expect(failure({ NODE_ENV: "development", DATABASE_URL: "mysql://root@localhost/medslot", MIGRATE_DATABASE_URL: ownerUrl })).toBe(
      message("DATABASE_URL: must be a postgresql:// connection URL"),
    );
    expect(failure({ NODE_ENV: "development", DATABASE_URL: runtimeUrl, MIGRATE_DATABASE_URL: "localhost:5432/medslot" })).toBe(
      message("MIGRATE_DATABASE_URL: must be a postgresql:// connection URL"),
    );
    expect(failure({ NODE_ENV: "development", DATABASE_URL: runtimeUrl })).toBe(
      message("MIGRATE_DATABASE_URL: is required when DATABASE_URL is set (the owner role that runs migrations)"),
    );
    expect(parseEnv({ NODE_ENV: "development", DATABASE_URL: "postgres://a:b@h/db", MIGRATE_DATABASE_URL: ownerUrl })).toMatchObject({ DATABASE_URL: "postgres://a:b@h/db" });
  });

  test("SMTP_URL must be smtp:// or smtps://", () => {
    expect(failure({ SMTP_URL: "http://mail.example" })).toBe(message("SMTP_URL: must start with smtp:// or smtps://"));
    expect(parseEnv({ SMTP_URL: "smtps://user:pass@mail.example:465" }).SMTP_URL).toBe("smtps://user:pass@mail.example:465");
  });

  test("APP_DOMAIN is a bare host name", () => {
    const line = "APP_DOMAIN: must be a bare host name such as medslot.example or localhost (no scheme, no port)";
    expect(failure({ APP_DOMAIN: "https://medslot.example" })).toBe(message(line));
    expect(failure({ APP_DOMAIN: "localhost:3000" })).toBe(message(line));
  });

  test("PUBLIC_URL is the marketplace's address: a scheme, APP_DOMAIN and an optional port", () => {
    expect(parseEnv({ APP_DOMAIN: "medslot.example", PUBLIC_URL: "https://medslot.example:8443" }).PUBLIC_URL).toBe("https://medslot.example:8443");
    expect(failure({ APP_DOMAIN: "medslot.example", PUBLIC_URL: "https://evil.example" })).toBe(message("PUBLIC_URL: must name APP_DOMAIN (medslot.example) as its host; clinic sites are {slug}.medslot.example"));
    expect(failure({ APP_DOMAIN: "medslot.example", PUBLIC_URL: "https://medslot.example/app" })).toBe(message("PUBLIC_URL: must be a scheme, a host and an optional port, with no path (e.g. https://medslot.example)"));
    expect(failure({ PUBLIC_URL: "ftp://localhost" })).toBe(message("PUBLIC_URL: must start with https:// (or http:// for a local demo)"));
    expect(failure({ PUBLIC_URL: "medslot" })).toBe(message("PUBLIC_URL: must be an address such as https://medslot.example"));
  });

  test("TRUST_PROXY trusts no proxy unless told; \"true\" (trust any client's claim) is refused", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe("none");
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe("1");
    expect(failure({ TRUST_PROXY: "true" })).toBe(message('TRUST_PROXY: must not be "true" (that trusts whatever a client claims); give the number of proxies in front, e.g. 1'));
  });

  test("partial Twilio settings are refused; all three or none are fine", () => {
    const line = "TWILIO_FROM: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together, or none of them";
    expect(failure({ TWILIO_ACCOUNT_SID: "AC123" })).toBe(message(line));
    expect(failure({ TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: "token" })).toBe(message(line));
    expect(failure({ TWILIO_FROM: "+15550100" })).toBe(message(line));
    expect(parseEnv({ TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: "token", TWILIO_FROM: "+15550100" })).toMatchObject({ TWILIO_FROM: "+15550100" });
    // Blank values count as unset.
    expect(parseEnv({ TWILIO_ACCOUNT_SID: " ", TWILIO_AUTH_TOKEN: "", TWILIO_FROM: "" }).TWILIO_ACCOUNT_SID).toBeUndefined();
  });

  test("production requires an external database, a session secret and message providers", () => {
    const sms = "TWILIO_ACCOUNT_SID: is required in production (with TWILIO_AUTH_TOKEN and TWILIO_FROM): patients sign in by SMS";
    const mail = "SMTP_URL: is required in production: staff reset passwords by email";
    expect(failure({ NODE_ENV: "production" })).toBe(message("DATABASE_URL: is required in production", "SESSION_SECRET: is required in production", sms, mail));
    const providers = { TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: "token", TWILIO_FROM: "+15550000000", SMTP_URL: "smtp://mail.internal:25" };
    expect(failure({ NODE_ENV: "production", DATABASE_URL: runtimeUrl, MIGRATE_DATABASE_URL: ownerUrl, ...providers })).toBe(
      message("SESSION_SECRET: is required in production"),
    );
    expect(parseEnv({ NODE_ENV: "production", DATABASE_URL: runtimeUrl, MIGRATE_DATABASE_URL: ownerUrl, SESSION_SECRET: secret, ...providers })).toMatchObject({
      NODE_ENV: "production",
      SESSION_SECRET: secret,
    });
  });

  test("with its own database and no NODE_ENV a deployment is production; the embedded demo is development", () => {
    expect(failure({ DATABASE_URL: runtimeUrl, MIGRATE_DATABASE_URL: ownerUrl })).toContain("SESSION_SECRET: is required in production");
    expect(parseEnv({}).NODE_ENV).toBe("development");
    expect(parseEnv({ NODE_ENV: "test", DATABASE_URL: runtimeUrl, MIGRATE_DATABASE_URL: ownerUrl }).NODE_ENV).toBe("test");
  });

  test("a short SESSION_SECRET is refused", () => {
    expect(failure({ SESSION_SECRET: "short" })).toBe(message("SESSION_SECRET: must be at least 32 characters of random text"));
  });

  test("unknown NODE_ENV and LOG_LEVEL values are refused with the allowed values", () => {
    expect(failure({ NODE_ENV: "staging" })).toBe(message('NODE_ENV: Invalid option: expected one of "development"|"production"|"test"'));
    expect(failure({ LOG_LEVEL: "loud" })).toBe(message('LOG_LEVEL: Invalid option: expected one of "debug"|"info"|"warn"|"error"|"silent"'));
  });

  test("every problem is listed at once", () => {
    expect(failure({ PORT: "0", SMTP_URL: "ftp://x", TWILIO_AUTH_TOKEN: "t" })).toBe(
      message(
        "PORT: Too small: expected number to be >=1",
        "SMTP_URL: must start with smtp:// or smtps://",
        "TWILIO_FROM: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together, or none of them",
      ),
    );
  });
});
