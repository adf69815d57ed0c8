import type { ActionFunctionArgs } from "@remix-run/node";
import { appointmentPath, rescheduleAppointmentForApi } from "~/modules/api/appointments.server";
import { apiEndpoint, idempotentJson, methodNotAllowed, readCommand, requireApiCaller, requireMethod } from "~/modules/api/request.server";
import { appointmentRescheduleSchema } from "~/modules/api/schemas.server";

export const loader = methodNotAllowed("POST");

export const action = apiEndpoint(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST", "POST");
  const api = await requireApiCaller(request, context, "integration");
  const { input, idempotency } = await readCommand(request, api, appointmentRescheduleSchema);
  const answer = await rescheduleAppointmentForApi(api, params.id ?? "", input, idempotency);
  return idempotentJson(answer, { Location: appointmentPath(answer.body.id) });
});
