import type { AppLoadContext } from "@remix-run/node";
import { notFound, sessionHostFor } from "./guards.server";
import type { StaffSignInSite } from "./staff-sign-in.server";

/** The staff side of this host: a clinic's panel, or the platform's admin on the marketplace host. */
export function staffSite(context: AppLoadContext): StaffSignInSite & { displayName: string; home: string } {
  const host = sessionHostFor(context);
  if (!host) throw notFound();
  const site = context.site;
  return site.kind === "clinic"
    ? { ...host, timeZone: site.clinic.timeZone, displayName: site.clinic.name, home: "/panel" }
    : { ...host, timeZone: "UTC", displayName: "Medslot", home: "/admin" };
}
