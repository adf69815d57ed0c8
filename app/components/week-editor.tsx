import { useState } from "react";
import { WEEKDAY_NAMES, type WorkingInterval } from "~/modules/schedules/schedule-form";

interface EditBreak {
  key: number;
  start: string;
  end: string;
}
interface EditInterval {
  key: number;
  start: string;
  end: string;
  breaks: EditBreak[];
}

let seq = 0;
const next = () => ++seq;
const toEdit = (days: WorkingInterval[][]): EditInterval[][] => days.map((d) => d.map((iv) => ({ key: next(), start: iv.start, end: iv.end, breaks: iv.breaks.map((b) => ({ key: next(), ...b })) })));
const minutes = (t: string) => (/^\d{2}:\d{2}$/.test(t) ? Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)) : null);

/**
 * A doctor's week: a picture of each day's working blocks and breaks (7 columns × hours) above
 * plain inputs per day (start, end, breaks), with add/remove and "copy this day to…". The inputs
 * are what is posted; the picture redraws as they change.
 */
export function WeekEditor({ days, errors }: { days: WorkingInterval[][]; errors: Record<string, string> }) {
  const [week, setWeek] = useState(() => toEdit(days));
  const [copyFrom, setCopyFrom] = useState<number | null>(null);
  const [copyTo, setCopyTo] = useState<number[]>([]);

  const setDay = (d: number, fn: (day: EditInterval[]) => EditInterval[]) => setWeek((w) => w.map((day, i) => (i === d ? fn(day) : day)));
  const setInterval = (d: number, key: number, patch: Partial<EditInterval>) => setDay(d, (day) => day.map((iv) => (iv.key === key ? { ...iv, ...patch } : iv)));

  const copy = () => {
    if (copyFrom === null) return;
    const source = week[copyFrom]!;
    setWeek((w) => w.map((day, i) => (copyTo.includes(i) ? source.map((iv) => ({ ...iv, key: next(), breaks: iv.breaks.map((b) => ({ ...b, key: next() })) })) : day)));
    setCopyFrom(null);
    setCopyTo([]);
  };

  return (
    <div className="space-y-6">
      <WeekPicture week={week} />
      <ol className="space-y-3" aria-label="Working hours by day">
        {week.map((day, d) => (
          <li key={d} className="rounded-xl border border-slate-200 p-4" data-testid={`day-${d + 1}`}>
            <fieldset>
              <legend className="text-base font-semibold text-slate-900">{WEEKDAY_NAMES[d]}</legend>
              {errors[`day.${d + 1}`] ? <p className="field-error">{errors[`day.${d + 1}`]}</p> : null}
              {day.length === 0 ? <p className="mt-1 text-sm text-slate-600">Not working.</p> : null}
              <ul className="mt-2 space-y-3">
                {day.map((iv, i) => {
                  const at = `day.${d + 1}.${i}`;
                  const error = errors[`${at}.start`] ?? errors[`${at}.end`];
                  return (
                    <li key={iv.key} className="rounded-lg bg-slate-50 p-3">
                      <div className="flex flex-wrap items-end gap-3">
                        <label className="block">
                          <span className="field-label">Start</span>
                          <input type="time" name={`${at}.start`} value={iv.start} onChange={(e) => setInterval(d, iv.key, { start: e.target.value })} className="field-input min-h-11 w-36" aria-invalid={error ? true : undefined} aria-label={`${WEEKDAY_NAMES[d]} interval ${i + 1} start`} />
                        </label>
                        <label className="block">
                          <span className="field-label">End</span>
                          <input type="time" name={`${at}.end`} value={iv.end} onChange={(e) => setInterval(d, iv.key, { end: e.target.value })} className="field-input min-h-11 w-36" aria-invalid={error ? true : undefined} aria-label={`${WEEKDAY_NAMES[d]} interval ${i + 1} end`} />
                        </label>
                        <button type="button" className="btn-secondary min-h-11" onClick={() => setInterval(d, iv.key, { breaks: [...iv.breaks, { key: next(), start: "", end: "" }] })}>
                          Add a break
                        </button>
                        <button type="button" className="btn-secondary min-h-11" onClick={() => setDay(d, (dd) => dd.filter((x) => x.key !== iv.key))}>
                          Remove interval
                        </button>
                      </div>
                      {error ? <p className="field-error">{error}</p> : null}
                      {iv.breaks.length ? (
                        <ul className="mt-3 space-y-2 border-l-2 border-slate-300 pl-3">
                          {iv.breaks.map((b, j) => {
                            const bAt = `${at}.break.${j}`;
                            return (
                              <li key={b.key} className="flex flex-wrap items-end gap-3">
                                <label className="block">
                                  <span className="field-label">Break from</span>
                                  <input type="time" name={`${bAt}.start`} value={b.start} onChange={(e) => setInterval(d, iv.key, { breaks: iv.breaks.map((x) => (x.key === b.key ? { ...x, start: e.target.value } : x)) })} className="field-input min-h-11 w-36" aria-label={`${WEEKDAY_NAMES[d]} interval ${i + 1} break ${j + 1} from`} />
                                </label>
                                <label className="block">
                                  <span className="field-label">Break until</span>
                                  <input type="time" name={`${bAt}.end`} value={b.end} onChange={(e) => setInterval(d, iv.key, { breaks: iv.breaks.map((x) => (x.key === b.key ? { ...x, end: e.target.value } : x)) })} className="field-input min-h-11 w-36" aria-label={`${WEEKDAY_NAMES[d]} interval ${i + 1} break ${j + 1} until`} />
                                </label>
                                <button type="button" className="btn-secondary min-h-11" onClick={() => setInterval(d, iv.key, { breaks: iv.breaks.filter((x) => x.key !== b.key) })}>
                                  Remove break
                                </button>
                                {errors[`${bAt}.end`] ? <p className="field-error w-full">{errors[`${bAt}.end`]}</p> : null}
                              </li>
                            );
                          })}
                        </ul>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
              <div className="mt-3 flex flex-wrap gap-2">
                <button
                  type="button"
                  className="btn-secondary min-h-11"
                  onClick={() => setDay(d, (dd) => [...dd, { key: next(), start: dd.length ? dd[dd.length - 1]!.end : "09:00", end: dd.length ? "" : "17:00", breaks: [] }])}
                >
                  Add {day.length ? "another interval" : "working hours"}
                </button>
                {day.length ? (
                  <button type="button" className="btn-secondary min-h-11" onClick={() => {
                      setCopyFrom(d);
                      setCopyTo([]);
                    }} aria-expanded={copyFrom === d}>
                    Copy {WEEKDAY_NAMES[d]} to…
                  </button>
                ) : null}
              </div>
              {copyFrom === d ? (
                <div className="mt-3 rounded-lg border border-brand/40 bg-brand-soft p-3">
                  <p className="text-sm font-medium text-slate-900">Copy {WEEKDAY_NAMES[d]}&apos;s hours to:</p>
                  <div className="mt-2 flex flex-wrap gap-2">
                    {WEEKDAY_NAMES.map((name, i) =>
                      i === d ? null : (
                        <label key={name} className="inline-flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm">
                          <input type="checkbox" checked={copyTo.includes(i)} onChange={(e) => setCopyTo((t) => (e.target.checked ? [...t, i] : t.filter((x) => x !== i)))} className="h-4 w-4" />
                          {name}
                        </label>
                      ),
                    )}
                  </div>
                  <div className="mt-3 flex gap-2">
                    <button type="button" className="btn-primary min-h-11" onClick={copy} disabled={copyTo.length === 0}>
                      Copy
                    </button>
                    <button type="button" className="btn-secondary min-h-11" onClick={() => setCopyFrom(null)}>
                      Cancel
                    </button>
                  </div>
                </div>
              ) : null}
            </fieldset>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** 7 columns × hours: working blocks in the brand colour, breaks hatched. For sighted users; the inputs below say the same. */
function WeekPicture({ week }: { week: EditInterval[][] }) {
  const all = week.flat().flatMap((iv) => [minutes(iv.start), minutes(iv.end)]).filter((m): m is number => m !== null);
  const first = Math.min(7 * 60, ...all.map((m) => Math.floor(m / 60) * 60));
  const last = Math.max(19 * 60, ...all.map((m) => Math.ceil(m / 60) * 60));
  const span = last - first;
  const hours = Array.from({ length: span / 60 + 1 }, (_, i) => first + i * 60);
  const pct = (m: number) => `${((Math.min(Math.max(m, first), last) - first) / span) * 100}%`;
  const height = (a: number, b: number) => `${((Math.min(b, last) - Math.max(a, first)) / span) * 100}%`;
  return (
    <figure aria-hidden="true" className="overflow-x-auto" data-testid="week-picture">
      <div className="grid min-w-[36rem] grid-cols-[3rem_repeat(7,minmax(0,1fr))] gap-1">
        <div />
        {WEEKDAY_NAMES.map((n) => (
          <div key={n} className="pb-1 text-center text-xs font-semibold uppercase tracking-wide text-slate-600">
            {n.slice(0, 3)}
          </div>
        ))}
        <div className="relative h-80">
          {hours.map((h) => (
            <span key={h} className="absolute right-1 -translate-y-1/2 text-[11px] tabular-nums text-slate-500" style={{ top: pct(h) }}>
              {String(h / 60).padStart(2, "0")}:00
            </span>
          ))}
        </div>
        {week.map((day, d) => (
          <div key={d} className="relative h-80 rounded-md bg-slate-100">
            {hours.map((h) => (
              <span key={h} className="absolute inset-x-0 border-t border-slate-200" style={{ top: pct(h) }} />
            ))}
            {day.map((iv) => {
              const a = minutes(iv.start);
              const b = iv.end === "24:00" ? 1440 : minutes(iv.end);
              if (a === null || b === null || b <= a) return null;
              return (
                <div key={iv.key} className="absolute inset-x-1 overflow-hidden rounded-md bg-brand text-brand-ink shadow-sm" style={{ top: pct(a), height: height(a, b) }}>
                  <span className="block px-1 pt-0.5 text-[11px] font-semibold leading-tight">
                    {iv.start}–{iv.end}
                  </span>
                  {iv.breaks.map((br) => {
                    const x = minutes(br.start);
                    const y = minutes(br.end);
                    if (x === null || y === null || y <= x || x < a || y > b) return null;
                    return (
                      <span
                        key={br.key}
                        className="absolute inset-x-0 bg-white/80 bg-[repeating-linear-gradient(45deg,transparent,transparent_4px,rgba(100,116,139,0.35)_4px,rgba(100,116,139,0.35)_8px)]"
                        style={{ top: `${((x - a) / (b - a)) * 100}%`, height: `${((y - x) / (b - a)) * 100}%` }}
                      />
                    );
                  })}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        <span className="inline-flex items-center gap-1.5">
          <span className="inline-block h-3 w-3 rounded-sm bg-brand" /> Working
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="inline-block h-3 w-3 rounded-sm bg-[repeating-linear-gradient(45deg,white,white_2px,rgb(148,163,184)_2px,rgb(148,163,184)_4px)] ring-1 ring-slate-300" /> Break
        </span>
      </figcaption>
    </figure>
  );
}
