import type { ActionFunctionArgs } from "@remix-run/node";
import { cancelAppointmentForApi } from "~/modules/api/appointments.server";
import { apiEndpoint, idempotentJson, methodNotAllowed, readCommand, requireApiCaller, requireMethod } from "~/modules/api/request.server";
import { appointmentCancelSchema } from "~/modules/api/schemas.server";

export const loader = methodNotAllowed("POST");

export const action = apiEndpoint(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST", "POST");
  const api = await requireApiCaller(request, context, "integration");
  const { input, idempotency } = await readCommand(request, api, appointmentCancelSchema);
  return idempotentJson(await cancelAppointmentForApi(api, params.id ?? "", input, idempotency));
});
