import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { inngestHandler } from "~/workflows/serve.server";

// GET: introspection; POST: function steps; PUT: app sync. The SDK checks Inngest's signature.
export const loader = ({ request }: LoaderFunctionArgs) => inngestHandler({ request });
export const action = ({ request }: ActionFunctionArgs) => inngestHandler({ request });
