import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint, apiJsonAnswer, methodNotAllowed, readQuery, requireApiCaller } from "~/modules/api/request.server";
import { slotQuerySchema } from "~/modules/api/schemas.server";
import { searchSlots } from "~/modules/api/slot-search.server";

export const loader = apiEndpoint(async ({ request, context }: LoaderFunctionArgs) => {
  const api = await requireApiCaller(request, context, "read");
  const query = readQuery(request, slotQuerySchema);
  return apiJsonAnswer(request, await searchSlots(api, query));
});

export const action = methodNotAllowed("GET");
