import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { ServiceForm } from "~/components/service-form";
import { Pill } from "~/components/status-badge";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { parseServiceForm, SERVICE_FORM_MAX_LENGTHS, VISIBILITY_LABELS, type FieldErrors } from "~/modules/services/service-form";
import { editorChoices, getService, updateService } from "~/modules/services/services.server";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { echoFields, readForm } from "~/utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.service.name ?? "Service"} · Staff panel` }];

async function loadService(db: ClinicDb, id: string | undefined) {
  try {
    return await getService(db, id ?? "");
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, clinic } = await requireStaff(request, context, "services");
  const service = await loadService(db, params.id);
  const saved = new URL(request.url).searchParams.get("saved");
  return { service, choices: await editorChoices(db), currency: clinic.currency, saved: saved === "created" || saved === "updated" ? saved : null };
}

type Answer = { ok: true; message: string } | { ok: false; errors: FieldErrors; values: Record<string, string> };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, actor, clinic } = await requireStaff(request, context, "services");
  await loadService(db, params.id);
  const form = await readForm(request);
  const values = echoFields(form, SERVICE_FORM_MAX_LENGTHS);
  const parsed = parseServiceForm(form, clinic.currency);
  if (!parsed.ok) return data<Answer>({ ok: false, errors: parsed.errors, values }, { status: 400 });
  try {
    const saved = await updateService(db, params.id!, parsed.value, actor);
    if (!saved.ok) return data<Answer>({ ok: false, errors: saved.errors, values }, { status: 422 });
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
  return data<Answer>({ ok: true, message: "Saved. The booking site shows the change now." });
}

export default function PanelEditService() {
  const { service, choices, currency, saved } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  const message = answer?.ok ? answer.message : !answer && saved === "created" ? "Service created. The booking site shows it now." : null;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/panel/services" className="font-medium text-brand underline">
          Services
        </Link>
      </nav>
      <PanelHeading title={service.name}>
        <p className="flex flex-wrap items-center gap-2">
          <Pill tone={service.visibility === "inactive" ? "muted" : "good"}>{VISIBILITY_LABELS[service.visibility]}</Pill>
          <span className="text-sm">Address key: {service.key}</span>
          <Link to={`/panel/schedules?service=${service.id}`} className="text-sm font-semibold text-brand underline">
            See its free times
          </Link>
        </p>
      </PanelHeading>
      {message ? (
        <p role="status" className="mb-4 rounded-xl bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200" data-testid="service-saved">
          {message}
        </p>
      ) : null}
      <ServiceForm key={service.updatedAt} initial={service} choices={choices} currency={currency} errors={answer && !answer.ok ? answer.errors : {}} values={answer && !answer.ok ? answer.values : null} submitLabel="Save changes" />
    </>
  );
}
