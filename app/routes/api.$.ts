import { problem } from "~/utils/problem.server";

// Any /api/... path without a route answers like an API: a problem document, not the HTML 404.
function notFound({ request }: { request: Request }) {
  return problem({ status: 404, title: "Not found", detail: `There is no API endpoint at ${new URL(request.url).pathname}.` });
}

export const loader = notFound;
export const action = notFound;
