/**
 * Small inline SVG charts for the reports. Each chart is an image with a title and a description
 * that says what it shows in words, and comes with the same figures as text (a legend with
 * numbers, or a table behind "Show as a table"), so nothing is only in the picture. Colours are
 * dark enough to read against white and never carry meaning alone: every segment is labelled.
 */
import { useId } from "react";

export const CHART_COLOURS = ["#0f766e", "#1d4ed8", "#b45309", "#be123c", "#6d28d9", "#475569", "#15803d", "#9a3412"] as const;

export interface DailyPoint {
  /** YYYY-MM-DD */
  date: string;
  value: number;
}

const shortDay = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" }).format(new Date(`${date}T12:00:00Z`));
const longDay = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(new Date(`${date}T12:00:00Z`));

function niceMax(max: number): number {
  if (max <= 4) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

/** A bar per day: the trend over the range. */
export function DailyBars({ title, unit, points, testId }: { title: string; unit: [string, string]; points: readonly DailyPoint[]; testId?: string }) {
  const id = useId();
  const width = 720;
  const height = 220;
  const left = 36;
  const bottom = 28;
  const top = 10;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const slot = points.length ? plotW / points.length : plotW;
  const barW = Math.max(1, Math.min(28, slot * 0.7));
  const total = points.reduce((s, p) => s + p.value, 0);
  const peak = points.reduce<DailyPoint | null>((best, p) => (!best || p.value > best.value ? p : best), null);
  const word = (n: number) => (n === 1 ? unit[0] : unit[1]);
  const labelAt = new Set([0, Math.floor((points.length - 1) / 2), points.length - 1]);
  return (
    <figure className="min-w-0" data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="h-auto w-full">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {points.length
            ? `${total} ${word(total)} over ${points.length} days, from ${longDay(points[0]!.date)} to ${longDay(points[points.length - 1]!.date)}.${peak && peak.value > 0 ? ` The busiest day was ${longDay(peak.date)} with ${peak.value}.` : ""}`
            : "No days in the range."}
        </desc>
        {[0, 0.5, 1].map((f) => {
          const y = top + plotH - f * plotH;
          return (
            <g key={f}>
              <line x1={left} x2={width - 8} y1={y} y2={y} stroke="#cbd5e1" strokeWidth={1} />
              <text x={left - 6} y={y + 4} textAnchor="end" fontSize={12} fill="#334155">
                {Math.round(max * f * 10) / 10}
              </text>
            </g>
          );
        })}
        {points.map((p, i) => {
          const h = (p.value / max) * plotH;
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <g key={p.date}>
              <rect x={x} y={top + plotH - h} width={barW} height={Math.max(0, h)} fill={CHART_COLOURS[0]} rx={Math.min(3, barW / 3)}>
                <title>{`${longDay(p.date)}: ${p.value} ${word(p.value)}`}</title>
              </rect>
              {labelAt.has(i) ? (
                <text x={left + i * slot + slot / 2} y={height - 8} textAnchor={i === 0 && points.length > 2 ? "start" : i === points.length - 1 && points.length > 2 ? "end" : "middle"} fontSize={12} fill="#334155">
                  {shortDay(p.date)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <details className="mt-2 text-sm">
        <summary className="inline-flex min-h-11 cursor-pointer items-center font-semibold text-brand underline">Show as a table</summary>
        <div className="mt-2 max-h-72 overflow-auto rounded-lg ring-1 ring-slate-200">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{title}</caption>
            <thead className="sticky top-0 bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Day
                </th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">
                  {unit[1][0]!.toUpperCase() + unit[1].slice(1)}
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.date} className="border-t border-slate-100">
                  <td className="px-3 py-1.5">{longDay(p.date)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{p.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export interface Share {
  key: string;
  label: string;
  value: number;
}

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : "–");

/** One bar split into shares, with a legend that lists every share's count and percentage. */
export function ShareBar({ title, shares, testId, columns = 2 }: { title: string; shares: readonly Share[]; testId?: string; /** Legend columns from small screens up. */ columns?: 1 | 2 }) {
  const id = useId();
  const total = shares.reduce((s, x) => s + x.value, 0);
  const width = 600;
  let x = 0;
  const shown = shares.filter((s) => s.value > 0);
  return (
    <figure className="min-w-0" data-testid={testId}>
      <svg viewBox={`0 0 ${width} 28`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="h-7 w-full" preserveAspectRatio="none">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{total ? shown.map((s) => `${s.label}: ${s.value} (${pct(s.value, total)})`).join("; ") : "Nothing to show in this range."}</desc>
        <rect x={0} y={0} width={width} height={28} rx={6} fill="#f1f5f9" />
        {total
          ? shares.map((s, i) => {
              if (!s.value) return null;
              const w = (s.value / total) * width;
              const r = <rect key={s.key} x={x} y={0} width={w} height={28} fill={CHART_COLOURS[i % CHART_COLOURS.length]} stroke="#fff" strokeWidth={1} />;
              x += w;
              return r;
            })
          : null}
      </svg>
      <ul className={`mt-3 grid gap-x-6 gap-y-1.5 text-sm ${columns === 2 ? "sm:grid-cols-2" : ""}`}>
        {shares.map((s, i) => (
          <li key={s.key} className="flex items-center justify-between gap-3" data-testid={testId ? `${testId}-${s.key}` : undefined}>
            <span className="flex min-w-0 items-center gap-2">
              <span aria-hidden="true" className="h-3 w-3 shrink-0 rounded-sm" style={{ backgroundColor: CHART_COLOURS[i % CHART_COLOURS.length] }} />
              <span className="truncate text-slate-800">{s.label}</span>
            </span>
            <span className="shrink-0 tabular-nums text-slate-900">
              <span className="font-semibold">{s.value}</span> <span className="text-slate-600">({pct(s.value, total)})</span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** A thin bar in a table cell; the number beside it is the figure, the bar only helps the eye. */
export function Meter({ value, max = 100 }: { value: number | null; max?: number }) {
  const f = value === null || max <= 0 ? 0 : Math.min(1, Math.max(0, value / max));
  return (
    <span aria-hidden="true" className="block h-2 w-full min-w-16 overflow-hidden rounded-full bg-slate-100">
      <span className="block h-full rounded-full" style={{ width: `${f * 100}%`, backgroundColor: CHART_COLOURS[0] }} />
    </span>
  );
}
