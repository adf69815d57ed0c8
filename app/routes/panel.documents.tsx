import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { deleteClinicDocument, documentForm, listClinicDocuments, uploadClinicDocument } from "~/modules/clinic/clinic-documents.server";
import { DOCUMENT_KIND_LABELS, DOCUMENT_KINDS, DOCUMENT_STATUS_LABELS, MAX_DOCUMENT_BYTES, REQUIRED_DOCUMENT_KINDS } from "~/modules/clinic/onboarding-words";
import type { StaffAnswer } from "~/modules/clinic/staff-members.server";
import { readFormData } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Documents · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "documents");
  return { documents: await listClinicDocuments(db) };
}

type ActionAnswer = StaffAnswer & { intent: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "documents");
  // A body over 5 MB plus the form around it never gets here (app/utils/body-limit.server.ts).
  const form = await readFormData(request);
  const parsed = documentForm.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")));
  const intent = String(form.get("intent") ?? "");
  if (!parsed.success) {
    return data<ActionAnswer>({ ok: false, intent, ...firstFieldError(parsed.error) }, { status: 400 });
  }
  const actor = { staffUserId: staff.id, request: auditContextFromRequest(request, context) };
  if (parsed.data.intent === "delete") {
    const answer = await deleteClinicDocument(db, parsed.data.documentId, actor);
    return data<ActionAnswer>({ ...answer, intent }, { status: answer.ok ? 200 : 404 });
  }
  const file = form.get("file");
  const upload = file instanceof File && file.size > 0 ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
  const answer = await uploadClinicDocument(db, { kind: parsed.data.kind, title: parsed.data.title, file: upload }, actor);
  return data<ActionAnswer>({ ...answer, intent }, { status: answer.ok ? 200 : 422 });
}

const dateFmt = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", year: "numeric" });
const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
const TONE = { pending: "warn", verified: "good", rejected: "muted" } as const;

export default function PanelDocuments() {
  const { documents } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ActionAnswer | undefined;
  const nav = useNavigation();
  const uploading = nav.state !== "idle" && nav.formData?.get("intent") === "upload";
  const busy = nav.state !== "idle";
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (answer?.ok && answer.intent === "upload") formRef.current?.reset();
  }, [answer]);
  // Said before uploading: the server refuses a larger body without reading it (a 413 page).
  const [chosenTooLarge, setChosenTooLarge] = useState<string | null>(null);
  const fileError = chosenTooLarge ?? (answer && !answer.ok && answer.intent === "upload" && answer.field === "file" ? answer.message : undefined);
  const kindError = answer && !answer.ok && answer.intent === "upload" && answer.field === "kind" ? answer.message : undefined;
  const missing = REQUIRED_DOCUMENT_KINDS.filter((k) => !documents.some((d) => d.kind === k && d.status === "verified"));
  return (
    <>
      <PanelHeading title="Documents">
        <p>
          Medslot checks your clinic's licence and insurance before your booking site goes live.{" "}
          {missing.length ? `Still needed: a verified ${missing.map((k) => DOCUMENT_KIND_LABELS[k].toLowerCase()).join(" and ")} document.` : "Both are verified."}
        </p>
      </PanelHeading>

      <section aria-labelledby="upload-heading" className="card p-5 sm:p-6">
        <h2 id="upload-heading" className="text-lg font-semibold text-slate-900">
          Upload a document
        </h2>
        <Form
          ref={formRef}
          method="post"
          encType="multipart/form-data"
          className="mt-4 grid gap-4 md:grid-cols-3"
          noValidate
          data-testid="document-upload"
          onSubmit={(e) => chosenTooLarge && e.preventDefault()}
        >
          <input type="hidden" name="intent" value="upload" />
          <div>
            <label htmlFor="doc-kind" className="field-label">
              Kind
            </label>
            <select id="doc-kind" name="kind" className="field-input" defaultValue="licence" aria-invalid={kindError ? true : undefined}>
              {DOCUMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {DOCUMENT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
            {kindError ? <p className="field-error">{kindError}</p> : null}
          </div>
          <div>
            <label htmlFor="doc-title" className="field-label">
              Title <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <input id="doc-title" name="title" maxLength={120} className="field-input" placeholder="e.g. State licence 2026" />
          </div>
          <div>
            <label htmlFor="doc-file" className="field-label">
              File
            </label>
            <input
              id="doc-file"
              name="file"
              type="file"
              required
              accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
              className="mt-1 block min-h-11 w-full text-sm text-slate-800 file:mr-3 file:min-h-11 file:rounded-lg file:border file:border-slate-300 file:bg-white file:px-3 file:font-semibold file:text-slate-800 hover:file:bg-slate-50"
              aria-invalid={fileError ? true : undefined}
              aria-describedby={`doc-file-hint${fileError ? " doc-file-error" : ""}`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                setChosenTooLarge(file && file.size > MAX_DOCUMENT_BYTES ? `The file is ${size(file.size)}; a document may be at most 5 MB. Upload a smaller scan or export.` : null);
              }}
            />
            <p id="doc-file-hint" className="mt-1 text-sm text-slate-500">
              PDF, PNG or JPEG, up to 5 MB.
            </p>
            {fileError ? (
              <p id="doc-file-error" className="field-error" role="alert">
                {fileError}
              </p>
            ) : null}
          </div>
          <div className="flex flex-wrap items-center gap-3 md:col-span-3">
            <button type="submit" className="btn-primary min-h-11" disabled={busy}>
              {uploading ? "Uploading…" : "Upload"}
            </button>
            {answer && (answer.ok || !answer.field || answer.intent !== "upload") ? (
              <p role={answer.ok ? "status" : "alert"} className={`text-sm font-medium ${answer.ok ? "text-emerald-800" : "text-red-800"}`} data-testid="document-answer">
                {answer.message}
              </p>
            ) : null}
          </div>
        </Form>
      </section>

      <section aria-labelledby="documents-heading" className="mt-8">
        <h2 id="documents-heading" className="text-lg font-semibold text-slate-900">
          Your documents ({documents.length})
        </h2>
        {documents.length === 0 ? (
          <p className="card mt-3 p-6 text-slate-700">No documents yet. Upload your clinic's licence and proof of insurance to start the review.</p>
        ) : (
          <ul className="mt-3 space-y-3" data-testid="documents">
            {documents.map((d) => (
              <li key={d.id} className="card flex flex-wrap items-start justify-between gap-3 p-4" data-testid="document">
                <div className="min-w-0">
                  <p className="font-semibold text-slate-900">{d.title}</p>
                  <p className="mt-1 flex flex-wrap items-center gap-1.5 text-sm text-slate-600">
                    <Pill>{DOCUMENT_KIND_LABELS[d.kind]}</Pill>
                    <Pill tone={TONE[d.status]}>{DOCUMENT_STATUS_LABELS[d.status]}</Pill>
                    <span>
                      {d.fileName} · {size(d.sizeBytes)} · uploaded {dateFmt.format(new Date(d.createdAt))}
                    </span>
                  </p>
                  {d.status === "rejected" && d.reviewReason ? <p className="mt-2 text-sm text-red-800">Rejected: {d.reviewReason}</p> : null}
                </div>
                <div className="flex gap-2">
                  <a href={`/panel/documents/${d.id}`} className="btn-secondary min-h-11" target="_blank" rel="noreferrer">
                    View
                  </a>
                  <Form
                    method="post"
                    onSubmit={(e) => {
                      if (!window.confirm(`Delete “${d.title}”?`)) e.preventDefault();
                    }}
                  >
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="documentId" value={d.id} />
                    <button type="submit" className="btn-secondary min-h-11 text-red-800" disabled={busy} aria-label={`Delete ${d.title}`}>
                      Delete
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
