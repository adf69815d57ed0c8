/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  tailwind: true,
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
    // v3_routeConfig needs the Vite plugin to load app/routes.ts; the classic compiler keeps the
    // file-based convention, which is what the flag produces when it is turned on there.
    v3_routeConfig: false,
  },
};
