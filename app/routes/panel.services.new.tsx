import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { NEW_SERVICE, ServiceForm } from "~/components/service-form";
import { requireStaff } from "~/modules/auth/guards.server";
import { parseServiceForm, SERVICE_FORM_MAX_LENGTHS, type FieldErrors } from "~/modules/services/service-form";
import { createService, editorChoices } from "~/modules/services/services.server";
import { echoFields, readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "New service · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, clinic } = await requireStaff(request, context, "services");
  return { choices: await editorChoices(db), currency: clinic.currency };
}

type Answer = { errors: FieldErrors; values: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, actor, clinic } = await requireStaff(request, context, "services");
  const form = await readForm(request);
  const values = echoFields(form, SERVICE_FORM_MAX_LENGTHS);
  const parsed = parseServiceForm(form, clinic.currency);
  if (!parsed.ok) return data<Answer>({ errors: parsed.errors, values }, { status: 400 });
  const saved = await createService(db, parsed.value, actor);
  if (!saved.ok) return data<Answer>({ errors: saved.errors, values }, { status: 422 });
  return redirect(`/panel/services/${saved.serviceId}?saved=created`);
}

export default function PanelNewService() {
  const { choices, currency } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/panel/services" className="font-medium text-brand underline">
          Services
        </Link>
      </nav>
      <PanelHeading title="New service">
        <p>Patients see an active service on the booking site as soon as it is saved.</p>
      </PanelHeading>
      <ServiceForm initial={NEW_SERVICE} choices={choices} currency={currency} errors={answer?.errors ?? {}} values={answer?.values} submitLabel="Create service" />
    </>
  );
}
