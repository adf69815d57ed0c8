import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { assertDevOutboxAvailable, recipientFilter } from "~/modules/messaging/dev-outbox-route.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Development outbox" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  assertDevOutboxAvailable();
  const to = recipientFilter(new URL(request.url).searchParams.get("to"));
  const messages = await listDevOutbox(getDb(), { to });
  return { to, messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
}

/** Turns URLs in a message body into links (reset links, booking links). */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <>
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} className="break-all text-brand underline underline-offset-2">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export default function DevOutbox() {
  const { to, messages } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Development outbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        Text messages and emails kept here because no SMS or SMTP provider is configured. Newest first, from every site. This page does not exist in production.
      </p>
      <Form method="get" className="mt-6 flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex-1">
          <label htmlFor="outbox-to" className="field-label">
            Recipient
          </label>
          <input id="outbox-to" name="to" type="search" defaultValue={to ?? ""} placeholder="+12125550123 or name@clinic.com" className="field-input" />
        </div>
        <button type="submit" className="btn-primary">
          Filter
        </button>
        {to ? (
          <a href="/dev/outbox" className="btn-secondary">
            Show all
          </a>
        ) : null}
      </Form>
      {messages.length === 0 ? (
        <p className="card mt-6 p-6 text-center text-slate-600">{to ? `No messages to ${to} yet.` : "No messages yet."}</p>
      ) : (
        <ol className="mt-6 space-y-4" aria-label="Messages">
          {messages.map((m) => (
            <li key={m.id} className="card p-4 sm:p-5" data-testid="outbox-message" data-channel={m.channel} data-recipient={m.recipient} data-purpose={m.purpose}>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span className="rounded-full bg-brand-soft px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-brand">{m.channel === "sms" ? "SMS" : "Email"}</span>
                <span className="font-medium text-slate-900">{m.recipient}</span>
                {m.clinicSlug ? <span className="text-slate-500">for {m.clinicSlug}</span> : <span className="text-slate-500">for Medslot</span>}
                <time dateTime={m.createdAt} className="ml-auto text-slate-500">
                  {m.createdAt.replace("T", " ").slice(0, 19)} UTC
                </time>
              </div>
              {m.subject ? <p className="mt-2 font-semibold text-slate-900">{m.subject}</p> : null}
              <p className="mt-2 whitespace-pre-wrap break-words text-sm text-slate-800" data-testid="outbox-body">
                <Linkified text={m.body} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
