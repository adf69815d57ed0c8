import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

export async function loader({ context }: LoaderFunctionArgs) {
  return { kind: context.site.kind };
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return <main className="p-8">Medslot ({data.kind})</main>;
}
