import { z } from "zod";

// Validated once at start-up; everything else reads `env` and never `process.env`.
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// connection URL");

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_DOMAIN: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9.-]+$/, "must be a bare host name such as medslot.example or localhost (no scheme, no port)")
      .default("localhost"),
    DATABASE_URL: postgresUrl.optional(),
    MIGRATE_DATABASE_URL: postgresUrl.optional(),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters of random text").optional(),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_PUBLISHABLE_KEY: optionalString,
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_FROM: optionalString,
    SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\//.test(v), "must start with smtp:// or smtps://"),
    MAIL_FROM: optionalString,
    /** Countries (ISO 3166 alpha-2, comma-separated) whose mobile numbers may get the marketplace's sign-in codes. */
    MARKETPLACE_SMS_COUNTRIES: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}(\s*,\s*[A-Z]{2})*$/, "must be ISO country codes separated by commas, e.g. US,DE,UZ")
      .default("US,CA,DE,AT,CH,UZ")
      .transform((v) => v.split(",").map((c) => c.trim())),
    /** Sign-in codes texted per hour: to one number, for one clinic's site (or the marketplace), and in all. */
    SMS_CODES_PER_PHONE_HOUR: z.coerce.number().int().min(1).max(100).default(6),
    SMS_CODES_PER_CLINIC_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(300),
    SMS_CODES_PER_PLATFORM_HOUR: z.coerce.number().int().min(1).max(10_000_000).default(3000),
    INNGEST_EVENT_KEY: optionalString,
    INNGEST_SIGNING_KEY: optionalString,
    INNGEST_BASE_URL: optionalString,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    /**
     * The address people reach the marketplace at, e.g. https://medslot.example: its scheme and port
     * go into every link the product gives out (clinic sites are {slug}.APP_DOMAIN on the same
     * scheme and port). Unset: http and PORT for a localhost APP_DOMAIN, otherwise https.
     */
    PUBLIC_URL: optionalString,
    /**
     * Which proxies in front may tell the client's address (X-Forwarded-For), scheme and host:
     * "none" (the default: no proxy, the connection's own address counts), the number of proxy hops,
     * or Express's list of trusted addresses ("loopback", "10.0.0.0/8, 172.16.0.0/12").
     */
    TRUST_PROXY: z
      .string()
      .trim()
      .min(1)
      .refine((v) => v.toLowerCase() !== "true", 'must not be "true" (that trusts whatever a client claims); give the number of proxies in front, e.g. 1')
      .default("none"),
    MEDSLOT_DATA_DIR: optionalString,
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  })
  .superRefine((v, ctx) => {
    const twilio = [v.TWILIO_ACCOUNT_SID, v.TWILIO_AUTH_TOKEN, v.TWILIO_FROM];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_FROM"], message: "set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together, or none of them" });
    }
    if (v.NODE_ENV === "production") {
      if (!v.DATABASE_URL) ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production" });
      if (!v.SESSION_SECRET) ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required in production" });
      // Patients sign in by SMS and staff reset passwords by email: without providers nobody could.
      if (!v.TWILIO_ACCOUNT_SID) ctx.addIssue({ code: "custom", path: ["TWILIO_ACCOUNT_SID"], message: "is required in production (with TWILIO_AUTH_TOKEN and TWILIO_FROM): patients sign in by SMS" });
      if (!v.SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "is required in production: staff reset passwords by email" });
    }
    if (v.PUBLIC_URL !== undefined) {
      const problem = publicUrlProblem(v.PUBLIC_URL, v.APP_DOMAIN);
      if (problem) ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: problem });
    }
    if (v.DATABASE_URL && !v.MIGRATE_DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["MIGRATE_DATABASE_URL"], message: "is required when DATABASE_URL is set (the owner role that runs migrations)" });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Why PUBLIC_URL cannot be the marketplace's address, or null when it can. */
function publicUrlProblem(value: string, appDomain: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an address such as https://medslot.example";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must start with https:// (or http:// for a local demo)";
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") return "must be a scheme, a host and an optional port, with no path (e.g. https://medslot.example)";
  if (url.hostname !== appDomain) return `must name APP_DOMAIN (${appDomain}) as its host; clinic sites are {slug}.${appDomain}`;
  return null;
}

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // A deployment that brings its own database is production unless it says otherwise; only the
  // embedded demo defaults to development (development outbox, plain-http cookies).
  const withMode = source.NODE_ENV ? source : { ...source, NODE_ENV: source.DATABASE_URL ? "production" : "development" };
  const result = envSchema.safeParse(withMode);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new EnvError(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** True for the local demo's hosts, where the development outbox may show codes and links. */
export function isLocalAppDomain(appDomain: string) {
  return appDomain === "localhost" || appDomain.endsWith(".localhost");
}

/** Lets the bootstrap fill in the embedded database URLs before anything reads the environment. */
export function resetEnvCache() {
  cached = undefined;
}
