import type { LoaderFunctionArgs } from "@remix-run/node";
import { getClinicForApi } from "~/modules/api/catalog.server";
import { apiEndpoint, apiJson, methodNotAllowed, requireApiCaller } from "~/modules/api/request.server";

export const loader = apiEndpoint(async ({ request, context }: LoaderFunctionArgs) => {
  const api = await requireApiCaller(request, context, "read");
  return apiJson(await getClinicForApi(api));
});

export const action = methodNotAllowed("GET");
