import { getEnv, isLocalAppDomain, type Env } from "~/utils/env.server";

/**
 * Every absolute address the product gives out (links in emails and SMS, check-in QR codes, the
 * waiting-room board link, password reset and staff invitation links, the API's server address,
 * links between the marketplace and the clinic sites) is built here, from configuration only:
 * the host is APP_DOMAIN, `{slug}.{APP_DOMAIN}` or a clinic's verified custom domain; the scheme
 * and port come from PUBLIC_URL. Never from the request's Host or X-Forwarded-* headers: whoever
 * sends a request chooses those, and a reset link pointing at their host hands them the token.
 */
export type PublicUrlEnv = Pick<Env, "APP_DOMAIN" | "PORT"> & Partial<Pick<Env, "PUBLIC_URL">>;

/** "https:" and "" in production; "http:" and ":3000" for the local demo, unless PUBLIC_URL says otherwise. */
function schemeAndPort(env: PublicUrlEnv): { scheme: string; port: string } {
  if (env.PUBLIC_URL) {
    const url = new URL(env.PUBLIC_URL);
    return { scheme: url.protocol, port: url.port ? `:${url.port}` : "" };
  }
  return isLocalAppDomain(env.APP_DOMAIN) ? { scheme: "http:", port: `:${env.PORT}` } : { scheme: "https:", port: "" };
}

/** Whether people reach the product over HTTPS ("https:") or, in a local demo, plain "http:". */
export function publicScheme(env: PublicUrlEnv = getEnv()): string {
  return schemeAndPort(env).scheme;
}

/** Every clinic site on its subdomain, as a CSP source: "https://*.medslot.example". */
export function clinicSitesSource(env: PublicUrlEnv = getEnv()): string {
  return originOf(`*.${env.APP_DOMAIN}`, env);
}

function originOf(host: string, env: PublicUrlEnv): string {
  const { scheme, port } = schemeAndPort(env);
  return `${scheme}//${host}${port}`;
}

/** The marketplace (and the platform admin), e.g. https://medslot.example. */
export function marketplaceOrigin(env: PublicUrlEnv = getEnv()): string {
  return originOf(env.APP_DOMAIN, env);
}

/** A clinic's site on its subdomain, e.g. https://northside.medslot.example. */
export function clinicSiteOrigin(slug: string, env: PublicUrlEnv = getEnv()): string {
  return originOf(`${slug}.${env.APP_DOMAIN}`, env);
}

/** A visit's page on the clinic's site, where the patient manages it (calendar entries link to it). */
export function visitPageUrl(slug: string, appointmentId: string, env: PublicUrlEnv = getEnv()): string {
  return `${clinicSiteOrigin(slug, env)}/account/appointments/${appointmentId}`;
}

/**
 * The site a request reached, for links that should bring the person back to it (a reset link
 * asked for on a clinic's custom domain opens there). Takes the host the server resolved to the
 * marketplace or a clinic (APP_DOMAIN, a clinic's subdomain, or its custom domain once verified;
 * see tenancy/site.server.ts), never a host read from the request's headers.
 */
export function siteOrigin(site: { host: string }, env: PublicUrlEnv = getEnv()): string {
  return originOf(site.host, env);
}

/** Where Twilio reports each message's status (routes/api.messages.status.ts). */
export function messageStatusCallbackUrl(env: PublicUrlEnv = getEnv()): string {
  return `${marketplaceOrigin(env)}/api/messages/status`;
}
