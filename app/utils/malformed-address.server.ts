import { problem, problemType } from "./problem.server";
import { wantsProblem, type RefusedRequest } from "./body-limit.server";

/** The 400 answer for an address whose percent-encoding is broken (e.g. "/%E0%A4%A"). */
export function malformedAddressResponse(request: RefusedRequest): Response {
  const headers = { "Cache-Control": "no-store" };
  if (wantsProblem(request)) {
    return problem({ status: 400, type: problemType("malformed-address"), title: "Malformed address", detail: "The address has a broken percent-encoding (a % not followed by the bytes of a character).", headers });
  }
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not a valid address</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; color: #0f172a">
<main>
<h1 style="font-size: 1.5rem">This address is not valid</h1>
<p>Part of it is garbled, perhaps cut off when it was copied.</p>
<p><a href="/">Go to the home page</a></p>
</main>
</body>
</html>
`;
  return new Response(page, { status: 400, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}

