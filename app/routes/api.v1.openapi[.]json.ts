import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/modules/api/openapi.server";
import { limitAddress } from "~/modules/api/rate-limits.server";
import { apiEndpoint, apiJson, methodNotAllowed, requireClinicHost } from "~/modules/api/request.server";
import { siteOrigin } from "~/utils/public-urls.server";

// Public, like any API reference: it describes the API, not the clinic's data.
export const loader = apiEndpoint(async ({ context }: LoaderFunctionArgs) => {
  requireClinicHost(context);
  await limitAddress(context);
  return apiJson(openApiDocument(siteOrigin(context.site)), { headers: { "Cache-Control": "public, max-age=300" } });
});

export const action = methodNotAllowed("GET");
