import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { AnswerLine, SetupSection, SubmitButton, TextField, type SetupAnswerView } from "~/components/owner/setup-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { createApiKey, listApiKeys, revokeApiKey } from "~/modules/api/api-keys.server";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { answerFromError, done, refused } from "~/modules/clinic/setup-answers.server";
import { nestedFieldErrorsOf } from "~/lib/form-errors";
import { siteOrigin } from "~/utils/public-urls.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "API keys · Staff panel" }];

const apiKeyForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string().trim().min(1, "Give the key a name, e.g. the software that will use it.").max(80, "At most 80 characters.") }),
  z.object({ intent: z.literal("revoke"), apiKeyId: z.string().min(1, "Which key?") }),
]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, db } = await requireStaff(request, context, "api-keys");
  const keys = await listApiKeys(db);
  return {
    timeZone: clinic.timeZone,
    apiBase: `${siteOrigin(context.site)}/api/v1`,
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff, db } = await requireStaff(request, context, "api-keys");
  const raw = await readForm(request);
  const parsed = apiKeyForm.safeParse(raw);
  const intent = typeof raw.intent === "string" ? raw.intent : "";
  if (!parsed.success) return refused(intent, "Check the form and try again.", nestedFieldErrorsOf(parsed.error), intent === "create" || intent === "revoke" ? 422 : 400);
  const form = parsed.data;
  const audit = { request: auditContextFromRequest(request, context) };
  try {
    if (form.intent === "create") {
      const { key, apiKey } = await createApiKey(db, form.name, `staff:${staff.id}`, audit);
      return done(form.intent, `The key “${apiKey.name}” was created. Copy it now: it is shown only this once.`, { key, name: apiKey.name });
    }
    const revoked = await revokeApiKey(db, form.apiKeyId, `staff:${staff.id}`, audit);
    return done(form.intent, `“${revoked.name}” is revoked. Software using it gets 401 from now on.`);
  } catch (error) {
    return answerFromError(form.intent, error);
  }
}

function when(iso: string | null, timeZone: string) {
  if (!iso) return null;
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

export default function PanelApiKeys() {
  const { keys, timeZone, apiBase } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SetupAnswerView | undefined;
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const revoking = submitting === "revoke" ? String(navigation.formData?.get("apiKeyId") ?? "") : null;
  const active = keys.filter((k) => !k.revokedAt).length;
  return (
    <>
      <PanelHeading title="API keys">
        <p>
          Keys let the clinic&rsquo;s own software read slots and book through the API at <code className="break-all font-mono text-sm">{apiBase}</code> (
          <a href="/api/v1/openapi.json" className="font-semibold text-brand underline">
            OpenAPI document
          </a>
          ). Send a key as <code className="font-mono text-sm">Authorization: Bearer …</code>.
        </p>
      </PanelHeading>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <SetupSection title="Create a key" description="Name it after the software that will use it, so you know which key to revoke later.">
          {answer?.intent === "create" ? <AnswerLine answer={answer} testId="create-answer" /> : null}
          {answer?.intent === "create" && answer.ok && answer.extra?.key ? <NewKey value={answer.extra.key} /> : null}
          <Form method="post" className="space-y-4" key={answer?.extra?.key ?? "new-key"}>
            <TextField label="Name" name="name" required maxLength={80} placeholder="e.g. Front-desk EHR" error={answer?.intent === "create" ? answer.errors.name : undefined} autoComplete="off" />
            <SubmitButton value="create" busy={submitting === "create"} busyText="Creating…">
              Create key
            </SubmitButton>
          </Form>
        </SetupSection>

        <SetupSection title="Keys" description={`${active} active. Last use is recorded to the minute.`} testId="api-keys">
          {answer?.intent === "revoke" ? <AnswerLine answer={answer} testId="revoke-answer" /> : null}
          {keys.length ? (
            <ul className="divide-y divide-slate-200">
              {keys.map((k) => (
                <li key={k.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="api-key" data-key-id={k.id}>
                  <div className="min-w-0">
                    <p className="flex flex-wrap items-center gap-2 font-semibold text-slate-900">
                      <span className="break-all">{k.name}</span>
                      {k.revokedAt ? <Pill tone="muted">Revoked</Pill> : <Pill tone="good">Active</Pill>}
                    </p>
                    <p className="font-mono text-sm text-slate-600">{k.prefix}…</p>
                    <dl className="mt-1 grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-2 text-sm">
                      <dt className="text-slate-600">Created</dt>
                      <dd className="text-slate-900">{when(k.createdAt, timeZone)}</dd>
                      <dt className="text-slate-600">Last used</dt>
                      <dd className="text-slate-900" data-testid="last-used">
                        {when(k.lastUsedAt, timeZone) ?? "Never"}
                      </dd>
                      {k.revokedAt ? (
                        <>
                          <dt className="text-slate-600">Revoked</dt>
                          <dd className="text-slate-900">{when(k.revokedAt, timeZone)}</dd>
                        </>
                      ) : null}
                    </dl>
                  </div>
                  {!k.revokedAt ? (
                    <details className="shrink-0">
                      <summary className="btn min-h-11 cursor-pointer list-none border border-red-300 bg-white px-4 text-red-800 hover:bg-red-50">Revoke…</summary>
                      <Form method="post" className="mt-2 max-w-xs rounded-lg bg-red-50 p-3 text-sm text-red-900">
                        <input type="hidden" name="apiKeyId" value={k.id} />
                        <p>Software using “{k.name}” stops working at once. This cannot be undone.</p>
                        <SubmitButton value="revoke" tone="danger" className="mt-2" busy={revoking === k.id} busyText="Revoking…">
                          Yes, revoke {k.name}
                        </SubmitButton>
                      </Form>
                    </details>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600" data-testid="no-api-keys">
              No keys yet. Create one when the clinic&rsquo;s own software should read slots or book.
            </p>
          )}
        </SetupSection>
      </div>
    </>
  );
}

function NewKey({ value }: { value: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <div className="mb-4 rounded-xl border border-emerald-300 bg-emerald-50 p-3" data-testid="new-key">
      <label htmlFor="new-key-value" className="field-label">
        The new key (shown once)
      </label>
      <div className="mt-1 flex flex-wrap gap-2">
        <input id="new-key-value" readOnly value={value} className="field-input mt-0 min-h-11 min-w-0 flex-1 font-mono text-sm" onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="btn-primary min-h-11 px-4"
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => setCopied("yes"),
              () => setCopied("failed")
            )
          }
        >
          Copy
        </button>
      </div>
      <p className="mt-1 text-sm text-emerald-900" role="status">
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "Copying is blocked here: select the key and copy it by hand." : "Store it in the other software's settings; Medslot keeps only a fingerprint of it."}
      </p>
    </div>
  );
}
