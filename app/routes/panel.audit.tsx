import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest, recordAudit } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { auditFilterChoices, auditFilterSchema, auditLogPage, auditPatientChoice, auditPatientQuery, findAuditPatients, type AuditFilter } from "~/modules/records/audit-log.server";
import { AUDIT_KIND_WORDS, AUDIT_KINDS } from "~/modules/records/words";
import { recentGrants } from "~/modules/records/break-glass.server";
import { fieldErrorsOf } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Audit log · Staff panel" }];

const FILTER_KEYS = ["from", "to", "actor", "patient", "kind"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, clinicId, clinic, db: clinicDb } = await requireStaff(request, context, "audit");
  const params = new URL(request.url).searchParams;
  const raw = Object.fromEntries([...FILTER_KEYS, "cursor"].map((k) => [k, params.get(k)]));
  const parsed = auditFilterSchema.safeParse(raw);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const filter: AuditFilter = parsed.success ? parsed.data : {};
  // The patient filter is a search: typed text finds a few patients to pick, never a list of everyone.
  const typed = params.get("patientQuery");
  const search = typed ? auditPatientQuery.safeParse(typed) : null;
  const now = new Date();
  const result = await clinicDb
    .tx(async (tx) => {
      const page = await auditLogPage(tx, clinic, filter);
      const choices = await auditFilterChoices(tx, clinic);
      const chosen = filter.patient ? await auditPatientChoice(tx, clinic, filter.patient) : null;
      const matches = search?.success ? await findAuditPatients(tx, clinic, search.data) : [];
      const grants = await recentGrants(tx, clinic, now, { days: 30 });
      // Reading the log names patients: it is itself a view of patient data.
      await recordAudit(tx, { clinicId, actor: { type: "staff", id: staff.id }, action: "audit.log_viewed", target: null, request: auditContextFromRequest(request, context), details: { filter: { ...filter, cursor: undefined }, shown: page.rows.length } });
      return { page, choices, grants, chosen, matches };
    });
  const query = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filter[k]) query.set(k, filter[k]!);
  const next = result.page.nextCursor ? `?${new URLSearchParams([...query, ["cursor", result.page.nextCursor]])}` : null;
  return {
    filter: Object.fromEntries(FILTER_KEYS.map((k) => [k, parsed.success ? (filter[k] ?? "") : (raw[k] ?? "")])) as Record<(typeof FILTER_KEYS)[number], string>,
    errors: errors as Record<string, string>,
    rows: result.page.rows,
    next,
    firstPage: !filter.cursor,
    csv: `/panel/audit.csv${query.size ? `?${query}` : ""}`,
    staff: result.choices.staff,
    chosenPatient: result.chosen,
    patientQuery: typed ?? "",
    patientQueryError: search && !search.success ? (search.error.issues[0]?.message ?? "Type a name or phone.") : null,
    // Each match is a link that keeps the other filters and picks the patient.
    patientMatches: result.matches.map((m) => ({ ...m, href: `?${new URLSearchParams([...[...query].filter(([k]) => k !== "patient"), ["patient", m.id]])}` })),
    clearPatientHref: `?${new URLSearchParams([...query].filter(([k]) => k !== "patient"))}`,
    grants: result.grants,
  };
}

const KIND_TONE = { views: "neutral", changes: "brand", sign_ins: "muted", break_glass: "warn" } as const;

export default function AuditLog() {
  const { filter, errors, rows, next, firstPage, csv, staff, grants, chosenPatient, patientQuery, patientQueryError, patientMatches, clearPatientHref } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/panel/audit";
  const active = grants.filter((g) => g.active);
  return (
    <>
      <PanelHeading title="Audit log">
        <p>Who viewed or changed patients' data, when and from where. Entries are never changed or deleted.</p>
      </PanelHeading>

      {grants.length ? (
        <section aria-labelledby="glass-heading" className={`mb-6 rounded-2xl p-4 ring-2 ${active.length ? "bg-amber-50 ring-amber-400" : "bg-white ring-slate-200"}`} data-testid="break-glass-banner">
          <h2 id="glass-heading" className="font-semibold text-slate-900">
            {active.length ? `A Medslot operator can read your patients' records right now` : "Medslot operator access in the last 30 days"}
          </h2>
          <p className="mt-1 text-sm text-slate-700">Operators see no patient data unless they break the glass: a stated reason, at most 60 minutes, every record they open listed below and in the log.</p>
          <ul className="mt-3 space-y-2 text-sm">
            {grants.map((g) => (
              <li key={g.id} className="rounded-xl bg-white p-3 ring-1 ring-slate-200" data-testid="break-glass-grant">
                <p className="font-medium text-slate-900">
                  {g.operatorName} · {g.grantedAt} until {g.expiresAt} {g.active ? <Pill tone="warn">Active</Pill> : <Pill tone="muted">Ended</Pill>}
                </p>
                <p className="text-slate-700">Reason: {g.reason}</p>
                <p className="text-slate-600">
                  {g.views} {g.views === 1 ? "record opened" : "records opened"}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <Form method="get" className="card mb-6 grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Filter the audit log">
        <div>
          <label htmlFor="f-from" className="field-label">
            From
          </label>
          <input id="f-from" type="date" name="from" defaultValue={filter.from} className="field-input" aria-invalid={Boolean(errors.from)} />
          {errors.from ? <p className="field-error">{errors.from}</p> : null}
        </div>
        <div>
          <label htmlFor="f-to" className="field-label">
            To (inclusive)
          </label>
          <input id="f-to" type="date" name="to" defaultValue={filter.to} className="field-input" aria-invalid={Boolean(errors.to)} aria-describedby={errors.to ? "f-to-error" : undefined} />
          {errors.to ? (
            <p id="f-to-error" className="field-error">
              {errors.to}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="f-kind" className="field-label">
            Kind
          </label>
          <select id="f-kind" name="kind" defaultValue={filter.kind} className="field-input min-h-11 py-2">
            <option value="">Everything</option>
            {AUDIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {AUDIT_KIND_WORDS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-actor" className="field-label">
            Member of staff
          </label>
          <select id="f-actor" name="actor" defaultValue={filter.actor} className="field-input min-h-11 py-2">
            <option value="">Anyone</option>
            {staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          {chosenPatient ? (
            <>
              <p className="field-label" id="f-patient-label">
                Patient
              </p>
              <input type="hidden" name="patient" value={chosenPatient.id} />
              <p className="flex min-h-11 flex-wrap items-center gap-2 text-sm" aria-labelledby="f-patient-label" data-testid="audit-patient-chosen">
                <span className="font-medium text-slate-900">
                  {chosenPatient.name} · {chosenPatient.phone}
                </span>
                <Link to={clearPatientHref} className="font-semibold text-brand underline">
                  Any patient
                </Link>
              </p>
            </>
          ) : (
            <>
              <label htmlFor="f-patient" className="field-label">
                Patient (name or phone)
              </label>
              <input id="f-patient" type="search" name="patientQuery" defaultValue={patientQuery} placeholder="e.g. Ava or 555 0142" className="field-input" aria-invalid={Boolean(patientQueryError) || Boolean(errors.patient)} aria-describedby="f-patient-help" autoComplete="off" />
              <p id="f-patient-help" className={patientQueryError || errors.patient ? "field-error" : "mt-1 text-xs text-slate-600"}>
                {patientQueryError ?? errors.patient ?? "Type and press Show, then pick the patient."}
              </p>
            </>
          )}
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <button type="submit" className="btn-primary min-h-11" disabled={loading}>
            {loading ? "Loading…" : "Show"}
          </button>
          <Link to="/panel/audit" className="btn-secondary min-h-11">
            Clear
          </Link>
          <a href={csv} className="btn-secondary min-h-11" download data-testid="audit-csv">
            CSV
          </a>
        </div>
      </Form>

      {!chosenPatient && patientQuery && !patientQueryError ? (
        <section aria-labelledby="patient-matches-heading" className="card -mt-3 mb-6 p-4" data-testid="audit-patient-matches">
          <h2 id="patient-matches-heading" className="text-sm font-semibold text-slate-900">
            Patients matching “{patientQuery}”
          </h2>
          {patientMatches.length ? (
            <ul className="mt-2 divide-y divide-slate-100 text-sm">
              {patientMatches.map((m) => (
                <li key={m.id}>
                  <Link to={m.href} className="flex min-h-11 items-center gap-2 rounded px-1 hover:bg-slate-50">
                    <span className="font-medium text-slate-900 underline decoration-slate-300 underline-offset-2">{m.name}</span>
                    <span className="tabular-nums text-slate-600">{m.phone}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-sm text-slate-600">No patient of this clinic matches. Try part of the name or the last digits of the phone.</p>
          )}
        </section>
      ) : null}

      {rows.length ? (
        <div className="card overflow-hidden">
          {/* Focusable, so a keyboard can scroll the table sideways when a long entry widens it. */}
          <div className="overflow-x-auto focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand" tabIndex={0} role="region" aria-label="Audit log entries">
            <table className="w-full min-w-[52rem] text-left text-sm" data-testid="audit-rows">
              <caption className="sr-only">Audit log entries, newest first</caption>
              <thead className="bg-slate-50 text-xs uppercase tracking-wider text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-3 font-semibold">When</th>
                  <th scope="col" className="px-4 py-3 font-semibold">Who</th>
                  <th scope="col" className="px-4 py-3 font-semibold">What</th>
                  <th scope="col" className="px-4 py-3 font-semibold">Patient</th>
                  <th scope="col" className="px-4 py-3 font-semibold">From where</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {rows.map((r) => (
                  <tr key={r.id} className={r.breakGlass ? "bg-amber-50" : undefined} data-testid="audit-row" data-action={r.action} data-kind={r.kind}>
                    <td className="px-4 py-3 tabular-nums text-slate-700">
                      <span className="block whitespace-nowrap">{r.when.slice(0, r.when.lastIndexOf(", "))}</span>
                      <span className="block whitespace-nowrap text-slate-600">{r.when.slice(r.when.lastIndexOf(", ") + 2)}</span>
                    </td>
                    <td className="min-w-[9rem] px-4 py-3 font-medium text-slate-900">{r.actorName}</td>
                    <td className="min-w-[11rem] px-4 py-3">
                      <span className="mr-2 text-slate-900">{r.actionWords}</span>
                      <Pill tone={KIND_TONE[r.kind]}>{AUDIT_KIND_WORDS[r.kind]}</Pill>
                      {r.targetWords ? (
                        <span className="mt-1 block text-xs text-slate-700" data-testid="audit-target">
                          {r.targetWords}
                        </span>
                      ) : null}
                      {r.reason ? <span className="mt-1 block text-xs text-amber-900">Reason: {r.reason}</span> : null}
                    </td>
                    <td className="px-4 py-3 text-slate-800">{r.patientName ?? "—"}</td>
                    <td className="px-4 py-3 text-xs text-slate-600">
                      <span className="block tabular-nums">{r.ip ?? "IP not known"}</span>
                      <span className="block max-w-[16rem] truncate" title={r.userAgent ?? undefined}>
                        {r.userAgent ?? ""}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="card p-5 text-slate-700" data-testid="no-audit-rows">
          Nothing in the log matches these filters.
        </p>
      )}
      <nav aria-label="Pages" className="mt-4 flex flex-wrap gap-3">
        {!firstPage ? (
          <Link to={`?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v))}`} className="btn-secondary min-h-11">
            Newest entries
          </Link>
        ) : null}
        {next ? (
          <Link to={next} className="btn-secondary min-h-11" data-testid="audit-older">
            Older entries →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
