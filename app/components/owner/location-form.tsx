/** The location form (address, coordinates, phone) and its weekly opening-hours editor. */
import { Form } from "@remix-run/react";
import { useState } from "react";
import { minutesOf, opensBeforeCloses, WALL_TIME_PATTERN, WEEKDAY_NAMES, WEEKDAYS, type OpeningHours, type OpeningPeriod, type Weekday } from "~/modules/tenancy/opening-hours";
import { SubmitButton, TextField } from "./setup-form";

export interface LocationValues {
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  openingHours: OpeningHours;
}

export const EMPTY_LOCATION: LocationValues = {
  name: "",
  addressLine1: "",
  addressLine2: null,
  city: "",
  region: null,
  postalCode: null,
  country: "",
  latitude: null,
  longitude: null,
  phone: null,
  openingHours: {
    mon: [{ open: "09:00", close: "17:00" }],
    tue: [{ open: "09:00", close: "17:00" }],
    wed: [{ open: "09:00", close: "17:00" }],
    thu: [{ open: "09:00", close: "17:00" }],
    fri: [{ open: "09:00", close: "17:00" }],
    sat: [],
    sun: [],
  },
};

/** What is wrong with one day's periods as typed, before the server says so. */
function dayProblem(periods: OpeningPeriod[]): string | null {
  for (const p of periods) {
    if (!WALL_TIME_PATTERN.test(p.open) || !WALL_TIME_PATTERN.test(p.close)) return "Write times as HH:MM, from 00:00 to 24:00.";
    if (!opensBeforeCloses(p)) return `${p.open}–${p.close}: the opening time must be earlier than the closing time.`;
  }
  const sorted = [...periods].sort((a, b) => minutesOf(a.open) - minutesOf(b.open));
  for (let i = 1; i < sorted.length; i++) if (minutesOf(sorted[i]!.open) < minutesOf(sorted[i - 1]!.close)) return `${sorted[i]!.open}–${sorted[i]!.close} overlaps ${sorted[i - 1]!.open}–${sorted[i - 1]!.close}.`;
  return null;
}

export function OpeningHoursEditor({ value, onChange, errors }: { value: OpeningHours; onChange: (next: OpeningHours) => void; errors: Record<string, string> }) {
  const setDay = (day: Weekday, periods: OpeningPeriod[]) => onChange({ ...value, [day]: periods });
  const serverError = (day: Weekday) => Object.entries(errors).find(([k]) => k === `openingHours.${day}` || k.startsWith(`openingHours.${day}.`))?.[1];
  return (
    <fieldset className="rounded-xl border border-slate-200 p-4" data-testid="hours-editor">
      <legend className="px-1 text-sm font-semibold text-slate-900">Opening hours</legend>
      <p className="text-sm text-slate-600">In the clinic&rsquo;s local time. Add a second interval for a lunch break; a day with no interval is closed.</p>
      {errors.openingHours ? (
        <p className="field-error" role="alert">
          {errors.openingHours}
        </p>
      ) : null}
      <ul className="mt-3 divide-y divide-slate-100">
        {WEEKDAYS.map((day) => {
          const periods = value[day];
          const problem = dayProblem(periods) ?? serverError(day);
          return (
            <li key={day} className="grid gap-2 py-3 sm:grid-cols-[8rem_minmax(0,1fr)]" data-testid={`hours-${day}`}>
              <div className="flex items-center justify-between gap-2 sm:block">
                <span className="font-medium text-slate-900">{WEEKDAY_NAMES[day]}</span>
                <label className="flex min-h-11 items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" className="h-5 w-5 accent-[rgb(var(--brand))]" checked={periods.length === 0} onChange={(e) => setDay(day, e.target.checked ? [] : [{ open: "09:00", close: "17:00" }])} />
                  Closed
                </label>
              </div>
              <div>
                {periods.length ? (
                  <ul className="space-y-2">
                    {periods.map((p, i) => (
                      <li key={i} className="flex flex-wrap items-end gap-2">
                        <label className="text-sm text-slate-700">
                          <span className="sr-only">
                            {WEEKDAY_NAMES[day]} interval {i + 1}{" "}
                          </span>
                          Opens
                          <input
                            className="field-input mt-0.5 min-h-11 w-24 font-mono"
                            inputMode="numeric"
                            maxLength={5}
                            value={p.open}
                            aria-invalid={problem ? true : undefined}
                            onChange={(e) =>
                              setDay(
                                day,
                                periods.map((q, j) => (j === i ? { ...q, open: e.target.value } : q))
                              )
                            }
                          />
                        </label>
                        <label className="text-sm text-slate-700">
                          <span className="sr-only">
                            {WEEKDAY_NAMES[day]} interval {i + 1}{" "}
                          </span>
                          Closes
                          <input
                            className="field-input mt-0.5 min-h-11 w-24 font-mono"
                            inputMode="numeric"
                            maxLength={5}
                            value={p.close}
                            aria-invalid={problem ? true : undefined}
                            onChange={(e) =>
                              setDay(
                                day,
                                periods.map((q, j) => (j === i ? { ...q, close: e.target.value } : q))
                              )
                            }
                          />
                        </label>
                        <button
                          type="button"
                          className="btn-secondary min-h-11 px-3"
                          onClick={() =>
                            setDay(
                              day,
                              periods.filter((_, j) => j !== i)
                            )
                          }
                          aria-label={`Remove ${WEEKDAY_NAMES[day]} ${p.open}–${p.close}`}
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="flex min-h-11 items-center text-sm text-slate-600">Closed all day</p>
                )}
                <div className="mt-2 flex flex-wrap gap-2">
                  <button
                    type="button"
                    className="btn-secondary min-h-11 px-3"
                    onClick={() => {
                      const last = periods[periods.length - 1];
                      const start = last ? Math.min(minutesOf(last.close) + 60, 23 * 60) : 9 * 60;
                      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
                      setDay(day, [
                        ...periods,
                        {
                          open: hhmm(start),
                          close: hhmm(Math.min(start + 4 * 60, 24 * 60)),
                        },
                      ]);
                    }}
                  >
                    Add interval
                  </button>
                  {day !== "mon" ? (
                    <button
                      type="button"
                      className="btn-secondary min-h-11 px-3"
                      onClick={() =>
                        setDay(
                          day,
                          value.mon.map((p) => ({ ...p }))
                        )
                      }
                    >
                      Same as Monday
                    </button>
                  ) : null}
                </div>
                {problem ? (
                  <p className="field-error" role="alert">
                    {problem}
                  </p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

export function LocationForm({ initial, intent, submitLabel, busy, errors }: { initial: LocationValues; intent: string; submitLabel: string; busy: boolean; errors: Record<string, string> }) {
  const [hours, setHours] = useState<OpeningHours>(initial.openingHours);
  const text = (v: string | number | null) => (v === null ? "" : String(v));
  return (
    <Form method="post" className="space-y-4" noValidate>
      <input type="hidden" name="openingHours" value={JSON.stringify(hours)} />
      <TextField label="Name" name="name" defaultValue={initial.name} error={errors.name} required maxLength={120} hint="As patients know it, e.g. “Harlem” or “Main clinic”." />
      <TextField label="Street address" name="addressLine1" defaultValue={initial.addressLine1} error={errors.addressLine1} required autoComplete="address-line1" />
      <TextField label="Address line 2 (optional)" name="addressLine2" defaultValue={text(initial.addressLine2)} error={errors.addressLine2} autoComplete="address-line2" />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="City" name="city" defaultValue={initial.city} error={errors.city} required autoComplete="address-level2" />
        <TextField label="Region or state (optional)" name="region" defaultValue={text(initial.region)} error={errors.region} autoComplete="address-level1" />
        <TextField label="Postal code (optional)" name="postalCode" defaultValue={text(initial.postalCode)} error={errors.postalCode} autoComplete="postal-code" />
        <TextField label="Country code" name="country" defaultValue={initial.country} error={errors.country} required maxLength={2} hint="Two letters, e.g. US, DE, UZ." autoComplete="country" className="field-input min-h-11 uppercase" />
        <TextField label="Latitude (optional)" name="latitude" defaultValue={text(initial.latitude)} error={errors.latitude} inputMode="decimal" hint="For the map, e.g. 40.8075." />
        <TextField label="Longitude (optional)" name="longitude" defaultValue={text(initial.longitude)} error={errors.longitude} inputMode="decimal" hint="e.g. -73.9465." />
      </div>
      <TextField label="Phone (optional)" name="phone" type="tel" defaultValue={text(initial.phone)} error={errors.phone} autoComplete="tel" />
      <OpeningHoursEditor value={hours} onChange={setHours} errors={errors} />
      <SubmitButton value={intent} busy={busy} busyText="Saving…">
        {submitLabel}
      </SubmitButton>
    </Form>
  );
}
