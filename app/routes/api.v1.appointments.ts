import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { appointmentPath, createAppointmentForApi, listAppointmentsForApi } from "~/modules/api/appointments.server";
import { apiEndpoint, apiJson, idempotentJson, readCommand, readQuery, requireApiCaller, requireMethod } from "~/modules/api/request.server";
import { appointmentCreateSchema, appointmentListQuerySchema } from "~/modules/api/schemas.server";

export const loader = apiEndpoint(async ({ request, context }: LoaderFunctionArgs) => {
  const api = await requireApiCaller(request, context, "read");
  const query = readQuery(request, appointmentListQuerySchema);
  return apiJson(await listAppointmentsForApi(api, query));
});

export const action = apiEndpoint(async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, "POST", "GET, POST");
  const api = await requireApiCaller(request, context, "integration");
  const { input, idempotency } = await readCommand(request, api, appointmentCreateSchema);
  const answer = await createAppointmentForApi(api, input, idempotency);
  return idempotentJson(answer, { Location: appointmentPath(answer.body.id) });
});
