/**
 * The root loader's data (the site, the viewer, the brand) for any component or route: a module of
 * its own so that components need not import the root route, which renders them.
 */
import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "~/root";

export type RootData = Awaited<ReturnType<typeof loader>>;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}
