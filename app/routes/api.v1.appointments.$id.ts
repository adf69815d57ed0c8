import type { LoaderFunctionArgs } from "@remix-run/node";
import { getAppointmentForApi } from "~/modules/api/appointments.server";
import { apiEndpoint, apiJson, methodNotAllowed, requireApiCaller } from "~/modules/api/request.server";

export const loader = apiEndpoint(async ({ request, context, params }: LoaderFunctionArgs) => {
  const api = await requireApiCaller(request, context, "read");
  return apiJson(await getAppointmentForApi(api, params.id ?? ""));
});

export const action = methodNotAllowed("GET");
