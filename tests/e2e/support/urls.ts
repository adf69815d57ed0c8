/** Addresses of the e2e server: `http://{slug}.localhost:{port}` for clinics, `http://localhost:{port}` for the marketplace. */

export function e2ePort(): number {
  const port = Number(process.env.E2E_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error("E2E_PORT is not set: run the e2e tests through `npx playwright test` (playwright.config.ts chooses the port).");
  return port;
}

const withPath = (origin: string, path: string) => `${origin}${path.startsWith("/") ? path : `/${path}`}`;

export function clinicOrigin(slug: string): string {
  return `http://${slug}.localhost:${e2ePort()}`;
}

export function clinicUrl(slug: string, path = "/"): string {
  return withPath(clinicOrigin(slug), path);
}

export function marketplaceOrigin(): string {
  return `http://localhost:${e2ePort()}`;
}

export function marketplaceUrl(path = "/"): string {
  return withPath(marketplaceOrigin(), path);
}
