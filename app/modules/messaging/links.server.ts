import { getEnv, isLocalAppDomain, type Env } from "~/utils/env.server";

/**
 * Absolute addresses for messages, which leave the request behind: a clinic's site is
 * `https://{slug}.{APP_DOMAIN}`; the local demo answers on plain http and the server's port.
 */
export type LinkEnv = Pick<Env, "APP_DOMAIN" | "PORT">;

function origin(host: string, env: LinkEnv) {
  return isLocalAppDomain(env.APP_DOMAIN) ? `http://${host}:${env.PORT}` : `https://${host}`;
}

export function clinicSiteOrigin(slug: string, env: LinkEnv = getEnv()): string {
  return origin(`${slug}.${env.APP_DOMAIN}`, env);
}

export function platformOrigin(env: LinkEnv = getEnv()): string {
  return origin(env.APP_DOMAIN, env);
}

/** Where Twilio reports each message's status (routes/api.messages.status.ts). */
export function messageStatusCallbackUrl(env: LinkEnv = getEnv()): string {
  return `${platformOrigin(env)}/api/messages/status`;
}
