import { Form, useNavigation } from "@remix-run/react";
import { useId, useState, type ReactNode } from "react";
import { formatMoney } from "~/lib/format";
import { decimalAmount, parseMoney } from "~/lib/money";
import {
  DISCOUNT_KIND_LABELS,
  DISCOUNT_KINDS,
  ISO_WEEKDAYS,
  ROOM_TYPE_LABELS,
  ROOM_TYPES,
  SERVICE_FORM_MAX_LENGTHS,
  VISIT_REASONS_MAX,
  START_GRIDS,
  VISIBILITIES,
  VISIBILITY_HELP,
  VISIBILITY_LABELS,
  WEEKDAY_SHORT,
  depositPreview,
  type DiscountInput,
  type FieldErrors,
  type ServiceInput,
} from "~/modules/services/service-form";

export interface ServiceFormChoices {
  doctors: { id: string; name: string; specialty: string | null; workStatus: string | null }[];
  locations: { id: string; name: string; roomTypes: string[] }[];
  categories: { id: string; name: string }[];
}

export const NEW_SERVICE: ServiceInput = {
  name: "",
  specialty: null,
  categoryId: null,
  description: null,
  durationMin: 30,
  priceMinor: 0,
  depositKind: "none",
  depositValue: 0,
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  startGridMin: 15,
  roomType: null,
  minNoticeMin: 120,
  horizonDays: 60,
  cancellationWindowMin: 2880,
  requiresApproval: false,
  visibility: "active",
  seasonFrom: null,
  seasonTo: null,
  preparationNotes: null,
  visitReasons: [],
  doctorIds: [],
  locationIds: [],
  discounts: [],
};

const hhmm = (m: number | null) => (m === null ? "" : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);

interface DiscountRow {
  key: number;
  kind: DiscountInput["kind"];
  label: string;
  percent: string;
  startsOn: string;
  endsOn: string;
  weekdays: number[];
  fromTime: string;
  toTime: string;
}

let rowKey = 0;
const toRow = (d: DiscountInput): DiscountRow => ({
  key: ++rowKey,
  kind: d.kind,
  label: d.label,
  percent: String(d.percent),
  startsOn: d.startsOn ?? "",
  endsOn: d.endsOn ?? "",
  weekdays: d.weekdays,
  fromTime: hhmm(d.fromMinute),
  toTime: hhmm(d.toMinute),
});

/**
 * The whole service form, shared by "new service" and "edit service". Amounts are typed in the
 * clinic's currency; the deposit it works out is shown live with the pricing module's own rules.
 */
export function ServiceForm({ initial, choices, currency, errors, submitLabel, values }: { initial: ServiceInput; choices: ServiceFormChoices; currency: string; errors: FieldErrors; submitLabel: string; values?: Record<string, string> | null }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  // After a refused save the form shows what was typed, not what is stored.
  const v = (name: string, stored: string) => (values && name in values ? values[name]! : stored);
  const checked = (name: string, stored: boolean) => (values ? name in values : stored);

  const [price, setPrice] = useState(v("price", initial.priceMinor ? decimalAmount(initial.priceMinor, currency) : ""));
  const [depositKind, setDepositKind] = useState(v("depositKind", initial.depositKind));
  const [depositAmount, setDepositAmount] = useState(v("depositAmount", initial.depositKind === "fixed" ? decimalAmount(initial.depositValue, currency) : ""));
  const [depositPercent, setDepositPercent] = useState(v("depositPercent", initial.depositKind === "percent" ? String(initial.depositValue) : "20"));
  const [visibility, setVisibility] = useState(v("visibility", initial.visibility));
  const [discounts, setDiscounts] = useState<DiscountRow[]>(() => initialDiscounts(initial, values));

  const priceMinor = parseMoney(price, currency);
  const depositValue = depositKind === "fixed" ? parseMoney(depositAmount, currency) : depositKind === "percent" && /^\d{1,3}$/.test(depositPercent) ? Number(depositPercent) : 0;
  const preview =
    priceMinor !== null && depositValue !== null && depositKind !== "none"
      ? depositPreview(
          priceMinor,
          depositKind as "fixed" | "percent",
          Math.min(depositKind === "percent" ? 100 : Number.MAX_SAFE_INTEGER, depositValue),
          discounts.map((d) => ({ label: d.label || "Discount", percent: /^\d{1,2}$/.test(d.percent) ? Number(d.percent) : 0 })),
        )
      : null;
  const money = (minor: number) => formatMoney(minor, currency);
  const updateRow = (key: number, patch: Partial<DiscountRow>) => setDiscounts((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const errorCount = Object.keys(errors).length;

  return (
    <Form method="post" className="space-y-6" noValidate aria-describedby={errorCount ? "service-form-errors" : undefined}>
      {errorCount ? (
        <div id="service-form-errors" role="alert" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200" data-testid="service-errors">
          <p className="font-semibold">The service was not saved. Fix {errorCount === 1 ? "this" : `these ${errorCount} things`}:</p>
          <ul className="mt-1 list-disc pl-5">
            {Object.entries(errors).map(([field, message]) => (
              <li key={field}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <Section title="What it is">
        <Field name="name" label="Name" error={errors.name}>
          {(props) => <input {...props} type="text" defaultValue={v("name", initial.name)} maxLength={120} required autoComplete="off" />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field name="categoryId" label="Category" error={errors.categoryId}>
            {(props) => (
              <select {...props} defaultValue={v("categoryId", initial.categoryId ?? "")}>
                <option value="">No category</option>
                {choices.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="specialty" label="Specialty (optional)" error={errors.specialty}>
            {(props) => <input {...props} type="text" defaultValue={v("specialty", initial.specialty ?? "")} maxLength={80} />}
          </Field>
        </div>
        <Field name="description" label="Description (shown to patients)" error={errors.description}>
          {(props) => <textarea {...props} rows={3} defaultValue={v("description", initial.description ?? "")} maxLength={SERVICE_FORM_MAX_LENGTHS.description} />}
        </Field>
        <Field name="preparationNotes" label="Preparation notes (sent with the booking confirmation)" error={errors.preparationNotes}>
          {(props) => <textarea {...props} rows={2} defaultValue={v("preparationNotes", initial.preparationNotes ?? "")} maxLength={SERVICE_FORM_MAX_LENGTHS.preparationNotes} />}
        </Field>
        <Field name="visitReasons" label={`Reasons patients can choose when booking (optional, one per line, at most ${VISIT_REASONS_MAX})`} error={errors.visitReasons}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              defaultValue={v("visitReasons", initial.visitReasons.join("\n"))}
              maxLength={SERVICE_FORM_MAX_LENGTHS.visitReasons}
              placeholder={"Check-up\nPain\nFollow-up"}
              data-testid="visit-reasons"
            />
          )}
        </Field>
      </Section>

      <Section title="Price and deposit">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field name="price" label={`Price (${currency})`} error={errors.price}>
            {(props) => <input {...props} type="text" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />}
          </Field>
          <Field name="depositKind" label="Deposit" error={errors.depositKind}>
            {(props) => (
              <select {...props} value={depositKind} onChange={(e) => setDepositKind(e.target.value)}>
                <option value="none">No deposit</option>
                <option value="fixed">A fixed amount</option>
                <option value="percent">A percent of the price</option>
              </select>
            )}
          </Field>
          {depositKind === "fixed" ? (
            <Field name="depositAmount" label={`Deposit amount (${currency})`} error={errors.depositAmount}>
              {(props) => <input {...props} type="text" inputMode="decimal" value={depositAmount} onChange={(e) => setDepositAmount(e.target.value)} />}
            </Field>
          ) : depositKind === "percent" ? (
            <Field name="depositPercent" label="Deposit percent" error={errors.depositPercent}>
              {(props) => <input {...props} type="number" min={1} max={100} step={1} value={depositPercent} onChange={(e) => setDepositPercent(e.target.value)} />}
            </Field>
          ) : null}
        </div>
        <div aria-live="polite" className="rounded-xl bg-slate-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-slate-200" data-testid="deposit-preview">
          {depositKind === "none" ? (
            <p>No deposit: patients pay {priceMinor !== null ? money(priceMinor) : "the price"} at the visit.</p>
          ) : preview ? (
            <>
              <p>
                At the list price the deposit is <strong>{money(preview.list.depositMinor)}</strong> of {money(preview.list.priceMinor)}; {money(preview.list.remainderMinor)} is paid at the visit.
              </p>
              {preview.discounted.map((d, i) => (
                <p key={i} className="mt-1">
                  With {d.label} ({d.percent}%): price {money(d.priceMinor)}, deposit <strong>{money(d.depositMinor)}</strong>
                  {depositKind === "fixed" && preview.list.depositMinor > d.priceMinor ? " — the fixed deposit is more than this price" : ""}.
                </p>
              ))}
              {depositKind === "percent" ? <p className="mt-1 text-slate-600">A percent deposit is worked out on the discounted price and rounded to the cent.</p> : null}
            </>
          ) : (
            <p>Enter a price and a deposit to see what patients pay.</p>
          )}
        </div>
      </Section>

      <Section title="Discounts">
        <p className="text-sm text-slate-600">Discounts never add up: a time gets the largest one that applies to it.</p>
        {errors.discounts ? <p className="field-error">{errors.discounts}</p> : null}
        {discounts.length === 0 ? <p className="text-sm text-slate-700" data-testid="no-discounts">No discounts.</p> : null}
        <ul className="space-y-4">
          {discounts.map((d, index) => (
            <li key={d.key} className="rounded-xl border border-slate-200 p-4" data-testid="discount-row">
              <fieldset>
                <legend className="text-sm font-semibold text-slate-900">Discount {index + 1}</legend>
                <div className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                  <Field name={`discount.${index}.label`} label="Name" error={errors[`discount.${index}.label`]}>
                    {(props) => <input {...props} type="text" value={d.label} onChange={(e) => updateRow(d.key, { label: e.target.value })} maxLength={60} />}
                  </Field>
                  <Field name={`discount.${index}.percent`} label="Percent off" error={errors[`discount.${index}.percent`]}>
                    {(props) => <input {...props} type="number" min={1} max={90} value={d.percent} onChange={(e) => updateRow(d.key, { percent: e.target.value })} />}
                  </Field>
                  <Field name={`discount.${index}.kind`} label="Applies on" error={errors[`discount.${index}.kind`]}>
                    {(props) => (
                      <select {...props} value={d.kind} onChange={(e) => updateRow(d.key, { kind: e.target.value as DiscountInput["kind"] })}>
                        {DISCOUNT_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {DISCOUNT_KIND_LABELS[k]}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field name={`discount.${index}.startsOn`} label={d.kind === "seasonal" ? "First day" : "First day (optional)"} error={errors[`discount.${index}.startsOn`]}>
                    {(props) => <input {...props} type="date" value={d.startsOn} onChange={(e) => updateRow(d.key, { startsOn: e.target.value })} />}
                  </Field>
                  <Field name={`discount.${index}.endsOn`} label={d.kind === "seasonal" ? "Last day" : "Last day (optional)"} error={errors[`discount.${index}.endsOn`]}>
                    {(props) => <input {...props} type="date" value={d.endsOn} onChange={(e) => updateRow(d.key, { endsOn: e.target.value })} />}
                  </Field>
                  <Field name={`discount.${index}.fromTime`} label={d.kind === "off_peak" ? "From" : "From (optional)"} error={errors[`discount.${index}.fromTime`]}>
                    {(props) => <input {...props} type="time" value={d.fromTime} onChange={(e) => updateRow(d.key, { fromTime: e.target.value })} />}
                  </Field>
                  <Field name={`discount.${index}.toTime`} label={d.kind === "off_peak" ? "Until" : "Until (optional)"} error={errors[`discount.${index}.toTime`]}>
                    {(props) => <input {...props} type="time" value={d.toTime} onChange={(e) => updateRow(d.key, { toTime: e.target.value })} />}
                  </Field>
                </div>
                <fieldset className="mt-3">
                  <legend className="field-label">{d.kind === "weekday" ? "Weekdays" : "Weekdays (optional; none means every day)"}</legend>
                  <div className="mt-1 flex flex-wrap gap-2">
                    {ISO_WEEKDAYS.map((wd) => (
                      <label key={wd} className="inline-flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 px-3 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft">
                        <input
                          type="checkbox"
                          name={`discount.${index}.weekday.${wd}`}
                          checked={d.weekdays.includes(wd)}
                          onChange={(e) => updateRow(d.key, { weekdays: e.target.checked ? [...d.weekdays, wd].sort() : d.weekdays.filter((x) => x !== wd) })}
                          className="h-4 w-4"
                        />
                        {WEEKDAY_SHORT[wd - 1]}
                      </label>
                    ))}
                  </div>
                  {errors[`discount.${index}.weekdays`] ? <p className="field-error">{errors[`discount.${index}.weekdays`]}</p> : null}
                </fieldset>
                <button type="button" className="btn-secondary mt-3 min-h-11" onClick={() => setDiscounts((rows) => rows.filter((r) => r.key !== d.key))}>
                  Remove discount {index + 1}
                </button>
              </fieldset>
            </li>
          ))}
        </ul>
        {discounts.length < 10 ? (
          <button
            type="button"
            className="btn-secondary min-h-11"
            onClick={() => setDiscounts((rows) => [...rows, { key: ++rowKey, kind: "weekday", label: "", percent: "10", startsOn: "", endsOn: "", weekdays: [], fromTime: "", toTime: "" }])}
          >
            Add a discount
          </button>
        ) : null}
      </Section>

      <Section title="Time">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field name="durationMin" label="Duration (minutes)" error={errors.durationMin}>
            {(props) => <input {...props} type="number" min={5} max={720} defaultValue={v("durationMin", String(initial.durationMin))} />}
          </Field>
          <Field name="bufferBeforeMin" label="Buffer before (minutes)" error={errors.bufferBeforeMin}>
            {(props) => <input {...props} type="number" min={0} max={240} defaultValue={v("bufferBeforeMin", String(initial.bufferBeforeMin))} />}
          </Field>
          <Field name="bufferAfterMin" label="Buffer after (minutes)" error={errors.bufferAfterMin}>
            {(props) => <input {...props} type="number" min={0} max={240} defaultValue={v("bufferAfterMin", String(initial.bufferAfterMin))} />}
          </Field>
          <Field name="startGridMin" label="Start times every" error={errors.startGridMin}>
            {(props) => (
              <select {...props} defaultValue={v("startGridMin", String(initial.startGridMin))}>
                {START_GRIDS.map((g) => (
                  <option key={g} value={g}>
                    {g} minutes
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </Section>

      <Section title="Who and where">
        <Field name="roomType" label="Room it needs" error={errors.roomType}>
          {(props) => (
            <select {...props} defaultValue={v("roomType", initial.roomType ?? "")}>
              <option value="">No particular room</option>
              {ROOM_TYPES.map((t) => (
                <option key={t} value={t}>
                  {ROOM_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <CheckList legend="Doctors who perform it" error={errors.doctors} testId="eligible-doctors">
          {choices.doctors.length === 0 ? <p className="text-sm text-slate-700">The clinic has no doctors yet.</p> : null}
          {choices.doctors.map((d) => (
            <CheckOption key={d.id} name={`doctor:${d.id}`} defaultChecked={checked(`doctor:${d.id}`, initial.doctorIds.includes(d.id))} label={d.name} hint={[d.specialty, d.workStatus && d.workStatus !== "active" ? (d.workStatus === "on_leave" ? "on leave" : "inactive") : null].filter(Boolean).join(" · ")} />
          ))}
        </CheckList>
        <CheckList legend="Locations where it is offered" error={errors.locations} testId="eligible-locations">
          {choices.locations.map((l) => (
            <CheckOption key={l.id} name={`location:${l.id}`} defaultChecked={checked(`location:${l.id}`, initial.locationIds.includes(l.id))} label={l.name} hint={l.roomTypes.length ? `Rooms: ${l.roomTypes.join(", ")}` : "No rooms set up"} />
          ))}
        </CheckList>
      </Section>

      <Section title="Booking rules">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field name="minNoticeHours" label="Minimum notice (hours)" error={errors.minNoticeHours}>
            {(props) => <input {...props} type="number" min={0} max={720} defaultValue={v("minNoticeHours", String(Math.round(initial.minNoticeMin / 60)))} />}
          </Field>
          <Field name="horizonDays" label="Bookable up to (days ahead)" error={errors.horizonDays}>
            {(props) => <input {...props} type="number" min={1} max={730} defaultValue={v("horizonDays", String(initial.horizonDays))} />}
          </Field>
          <Field name="cancellationHours" label="Cancellation window (hours)" error={errors.cancellationHours}>
            {(props) => <input {...props} type="number" min={0} max={720} defaultValue={v("cancellationHours", String(Math.round(initial.cancellationWindowMin / 60)))} />}
          </Field>
        </div>
        <label className="flex min-h-11 cursor-pointer items-start gap-3">
          <input type="checkbox" name="requiresApproval" defaultChecked={checked("requiresApproval", initial.requiresApproval)} className="mt-1 h-4 w-4" />
          <span>
            <span className="block text-sm font-medium text-slate-900">Requires approval</span>
            <span className="block text-sm text-slate-600">Bookings wait for the front desk to confirm them.</span>
          </span>
        </label>
      </Section>

      <Section title="Visibility">
        <fieldset>
          <legend className="sr-only">Who can book it</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {VISIBILITIES.map((vis) => (
              <label key={vis} className="flex min-h-11 cursor-pointer items-start gap-3 rounded-xl border border-slate-200 p-3 has-[:checked]:border-brand has-[:checked]:bg-brand-soft">
                <input type="radio" name="visibility" value={vis} checked={visibility === vis} onChange={() => setVisibility(vis)} className="mt-1 h-4 w-4" />
                <span>
                  <span className="block text-sm font-semibold text-slate-900">{VISIBILITY_LABELS[vis]}</span>
                  <span className="block text-sm text-slate-600">{VISIBILITY_HELP[vis]}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.visibility ? <p className="field-error">{errors.visibility}</p> : null}
        </fieldset>
        {visibility === "seasonal" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field name="seasonFrom" label="Season's first day" error={errors.seasonFrom}>
              {(props) => <input {...props} type="date" defaultValue={v("seasonFrom", initial.seasonFrom ?? "")} />}
            </Field>
            <Field name="seasonTo" label="Season's last day" error={errors.seasonTo}>
              {(props) => <input {...props} type="date" defaultValue={v("seasonTo", initial.seasonTo ?? "")} />}
            </Field>
          </div>
        ) : null}
      </Section>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary min-h-11 px-6" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
        <a href="/panel/services" className="btn-secondary min-h-11">
          Cancel
        </a>
      </div>
    </Form>
  );
}

function initialDiscounts(initial: ServiceInput, values: Record<string, string> | null | undefined): DiscountRow[] {
  if (!values) return initial.discounts.map(toRow);
  const indexes = [...new Set(Object.keys(values).flatMap((k) => /^discount\.(\d+)\./.exec(k)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  return indexes.map((i) => {
    const f = (name: string) => values[`discount.${i}.${name}`] ?? "";
    return {
      key: ++rowKey,
      kind: (DISCOUNT_KINDS as readonly string[]).includes(f("kind")) ? (f("kind") as DiscountInput["kind"]) : "weekday",
      label: f("label"),
      percent: f("percent"),
      startsOn: f("startsOn"),
      endsOn: f("endsOn"),
      weekdays: ISO_WEEKDAYS.filter((d) => `discount.${i}.weekday.${d}` in values),
      fromTime: f("fromTime"),
      toTime: f("toTime"),
    };
  });
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="card space-y-4 p-5 sm:p-6">
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

type InputProps = { id: string; name: string; className: string; "aria-invalid"?: boolean; "aria-describedby"?: string };

function Field({ name, label, error, children }: { name: string; label: string; error?: string; children: (props: InputProps) => ReactNode }) {
  const id = `f-${useId().replace(/:/g, "")}`;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children({ id, name, className: "field-input min-h-11", ...(error ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {}) })}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function CheckList({ legend, error, children, testId }: { legend: string; error?: string; children: ReactNode; testId: string }) {
  const id = useId().replace(/:/g, "");
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined} data-testid={testId}>
      <legend className="field-label">{legend}</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">{children}</div>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function CheckOption({ name, label, hint, defaultChecked }: { name: string; label: string; hint?: string; defaultChecked: boolean }) {
  return (
    <label className="flex min-h-11 cursor-pointer items-start gap-3 rounded-xl border border-slate-200 p-3 has-[:checked]:border-brand has-[:checked]:bg-brand-soft">
      <input type="checkbox" name={name} defaultChecked={defaultChecked} className="mt-1 h-4 w-4" />
      <span className="min-w-0">
        <span className="block text-sm font-medium text-slate-900">{label}</span>
        {hint ? <span className="block text-sm text-slate-600">{hint}</span> : null}
      </span>
    </label>
  );
}
