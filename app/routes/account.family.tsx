import { data, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/booking/step-header";
import { PersonFields, type PersonErrors, type PersonValues } from "~/components/family-fields";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { addDependent, listFamily, parseDependentForm, removeDependent, updateDependent } from "~/modules/patient-account/family.server";
import { changeClinicConsent, clinicConsentOf } from "~/modules/patients/clinic-patients.server";
import { getDb, type ClinicDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

/** Family changes are logged where they are made: the clinic's log on its site, the platform's on the marketplace. */
function clinicDbOf(request: Request, context: AppLoadContext): ClinicDb | null {
  const site = requireSite(request, context.site);
  return site.kind === "clinic" ? requireClinicSite(context).db : null;
}

const DONE = {
  added: "Added to your family.",
  updated: "Your changes are saved.",
  removed: "Removed from your family. Visits already booked for them keep their name.",
  shared: "Shared with this clinic: its front desk can now book for them.",
  unshared: "No longer shared with this clinic.",
} as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient, db } = await requirePatient(request, context);
  const members = await listFamily(clinicDb, getDb(), patient.id, auditContextFromRequest(request, context));
  const done = new URL(request.url).searchParams.get("done");
  // On a clinic's site: which members the patient shares with this clinic (its desk sees only those).
  const clinic = context.site.kind === "clinic" ? context.site.clinic : null;
  const consent = clinic ? await db.tx((tx) => clinicConsentOf(tx, clinic.id, patient.id)) : null;
  return {
    members: members.map((m) => ({ ...m, shared: consent ? consent.sharedFamilyIds.includes(m.id) : null })),
    clinicName: clinic?.name ?? null,
    done: done && done in DONE ? DONE[done as keyof typeof DONE] : null,
  };
}

export const meta: MetaFunction = () => [{ title: "Your family" }];

const intentForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add") }),
  z.object({ intent: z.literal("edit"), dependentId: z.uuid() }),
  z.object({ intent: z.literal("remove"), dependentId: z.uuid() }),
  z.object({ intent: z.literal("share"), dependentId: z.uuid(), shared: z.enum(["yes", "no"]) }),
]);

type ActionResult = { intent: "add" | "edit" | "remove" | "share" | null; dependentId?: string; message: string; values?: PersonValues; errors?: PersonErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  const clinicDb = clinicDbOf(request, context);
  const { patient } = await requirePatient(request, context);
  const raw = await readForm(request);
  const form = intentForm.safeParse(raw);
  if (!form.success) return data<ActionResult>({ intent: null, message: "We could not tell what to change. Please try again." }, { status: 400 });
  const accounts = getDb();
  const audit = auditContextFromRequest(request, context);
  const req = form.data;

  if (req.intent === "share") {
    if (!clinicDb) return data<ActionResult>({ intent: "share", message: "Choose this on the clinic's own site." }, { status: 400 });
    const shared = req.shared === "yes";
    const ok = await changeClinicConsent(clinicDb, patient.id, { kind: "family", dependentId: req.dependentId, shared }, audit);
    return ok ? redirect(`/account/family?done=${shared ? "shared" : "unshared"}`) : data<ActionResult>({ intent: "share", message: "This person is not in your family." }, { status: 404 });
  }
  if (req.intent === "remove") {
    const answer = await removeDependent(clinicDb, accounts, patient.id, req.dependentId, audit);
    return answer.ok ? redirect("/account/family?done=removed") : data<ActionResult>({ intent: "remove", message: answer.message }, { status: 404 });
  }
  const person = parseDependentForm(raw);
  const dependentId = req.intent === "edit" ? req.dependentId : undefined;
  if (!person.ok) {
    return data<ActionResult>({ intent: req.intent, dependentId, message: "Some details need another look. Nothing was saved yet.", values: person.values, errors: person.errors }, { status: 400 });
  }
  if (req.intent === "add") {
    await addDependent(clinicDb, accounts, patient.id, person.data, audit);
    return redirect("/account/family?done=added");
  }
  const answer = await updateDependent(clinicDb, accounts, patient.id, req.dependentId, person.data, audit);
  return answer.ok ? redirect("/account/family?done=updated") : data<ActionResult>({ intent: "edit", dependentId, message: answer.message }, { status: 404 });
}

export default function Family() {
  const { members, done, clinicName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const addFailed = result?.intent === "add";
  return (
    <>
      <div className="mb-2 mt-3">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Your family</h1>
        <p className="mt-1 text-slate-700">Book visits for the people you look after. A clinic’s front desk sees only the family members you share with it.</p>
      </div>
      <div className="mt-4">
        {result ? <Alert tone="error">{result.message}</Alert> : null}
        {done && !result ? (
          <Alert tone="info">
            <span data-testid="family-done">{done}</span>
          </Alert>
        ) : null}
      </div>

      {members.length ? (
        <ul className="space-y-4" data-testid="family-list" aria-label="Family members">
          {members.map((m) => {
            const editFailed = result?.intent === "edit" && result.dependentId === m.id && result.errors;
            return (
              <li key={m.id} className="card px-4 py-4 sm:px-6" data-testid="family-member">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div>
                    <h2 className="text-lg font-semibold text-slate-900" data-testid="family-member-name">
                      {m.name}
                    </h2>
                    <p className="text-slate-700">
                      <span data-testid="family-member-relationship">{m.relationshipLabel}</span>
                      {m.dateOfBirthText ? <span> · born {m.dateOfBirthText}</span> : null}
                    </p>
                  </div>
                </div>
                {clinicName && m.shared !== null ? (
                  <Form method="post" className="mt-3 flex flex-wrap items-center justify-between gap-2 rounded-xl bg-slate-50 px-3 py-2" data-testid="share-member">
                    <input type="hidden" name="intent" value="share" />
                    <input type="hidden" name="dependentId" value={m.id} />
                    <input type="hidden" name="shared" value={m.shared ? "no" : "yes"} />
                    <p className="text-sm text-slate-700">{m.shared ? `Shared with ${clinicName}.` : `Not shared with ${clinicName}: its front desk cannot see or book for ${m.firstName}.`}</p>
                    <button type="submit" className="btn-secondary min-h-11 px-4" disabled={busy}>
                      {m.shared ? "Stop sharing" : "Share with this clinic"}
                      <span className="sr-only"> {m.name}</span>
                    </button>
                  </Form>
                ) : null}
                <div className="mt-3 space-y-2">
                  <details className="group rounded-xl ring-1 ring-slate-200" open={Boolean(editFailed)}>
                    <summary className="flex min-h-12 cursor-pointer list-none items-center px-3 font-semibold text-slate-800 hover:bg-slate-50" data-testid="edit-member">
                      Edit<span className="sr-only"> {m.name}</span>
                    </summary>
                    <Form method="post" className="border-t border-slate-200 p-3 sm:p-4" noValidate key={editFailed ? "retry" : "edit"}>
                      <input type="hidden" name="intent" value="edit" />
                      <input type="hidden" name="dependentId" value={m.id} />
                      <PersonFields idPrefix={`edit-${m.id}`} values={editFailed ? result.values : m} errors={editFailed ? result.errors : undefined} />
                      <button type="submit" className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy}>
                        Save changes
                      </button>
                    </Form>
                  </details>
                  <details className="rounded-xl ring-1 ring-slate-200">
                    <summary className="flex min-h-12 cursor-pointer list-none items-center px-3 font-semibold text-red-700 hover:bg-red-50" data-testid="remove-member">
                      Remove<span className="sr-only"> {m.name}</span>
                    </summary>
                    <Form method="post" className="border-t border-slate-200 p-3 sm:p-4">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="dependentId" value={m.id} />
                      <p className="text-slate-800">
                        Remove {m.name} from your family? You will no longer be able to book for them. Visits already booked for them stay booked; cancel them under Appointments if needed.
                      </p>
                      <button type="submit" className="btn-secondary mt-3 min-h-12 w-full text-base text-red-700 sm:w-auto" disabled={busy} data-testid="confirm-remove">
                        Yes, remove {m.firstName}
                      </button>
                    </Form>
                  </details>
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <div className="card px-4 py-6 text-center sm:px-6" data-testid="no-family">
          <p className="text-slate-700">No family members yet. Add a child, partner or parent to book visits for them.</p>
        </div>
      )}

      <section aria-labelledby="add-heading" className="card mt-8 p-4 sm:p-6">
        <h2 id="add-heading" className="text-lg font-semibold text-slate-900">
          Add a family member
        </h2>
        <Form method="post" className="mt-3" noValidate key={addFailed ? "retry" : `add-${members.length}`} data-testid="add-member-form">
          <input type="hidden" name="intent" value="add" />
          <PersonFields idPrefix="add" values={addFailed ? result.values : undefined} errors={addFailed ? result.errors : undefined} />
          <button type="submit" className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto" disabled={busy} data-testid="add-member">
            Add to my family
          </button>
        </Form>
      </section>
    </>
  );
}
