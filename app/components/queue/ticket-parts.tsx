import { Form } from "@remix-run/react";
import { waitWords } from "~/modules/queue/rules";

export function TicketNumber({ number, big = false }: { number: string; big?: boolean }) {
  return <span className={`font-mono font-bold tabular-nums tracking-tight text-slate-900 ${big ? "text-2xl" : "text-lg"}`} data-testid="ticket-number">{number}</span>;
}

export function WaitLine({ position, minutes }: { position: number | null; minutes: number | null }) {
  if (position === null || minutes === null) return null;
  return (
    <span className="text-sm text-slate-700" data-testid="ticket-wait">
      {position === 1 ? "Next in line" : `${position}. in line`} · {waitWords(minutes)}
    </span>
  );
}

/** One small form posting one queue step for one visit. */
export function StepButton({ intent, appointmentId, label, busy, tone = "secondary", action, extra }: { intent: string; appointmentId: string; label: string; busy: boolean; tone?: "primary" | "secondary"; action?: string; extra?: Record<string, string> }) {
  return (
    <Form method="post" action={action} className="inline">
      <input type="hidden" name="appointmentId" value={appointmentId} />
      {extra ? Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />) : null}
      <button type="submit" name="intent" value={intent} className={`${tone === "primary" ? "btn-primary" : "btn-secondary"} min-h-11 px-4`} disabled={busy}>
        {label}
      </button>
    </Form>
  );
}

/** Choose a room and call the patient there. */
export function CallForm({ appointmentId, rooms, busy, label = "Call", intent = "call", idSuffix }: { appointmentId?: string; rooms: { id: string; name: string }[]; busy: boolean; label?: string; intent?: string; idSuffix: string }) {
  if (!rooms.length) return <p className="text-sm text-amber-900">This location has no rooms to call patients to; an owner adds them under the clinic's locations.</p>;
  const fieldId = `room-${idSuffix}`;
  return (
    <Form method="post" className="flex flex-wrap items-end gap-2">
      {appointmentId ? <input type="hidden" name="appointmentId" value={appointmentId} /> : null}
      <div>
        <label htmlFor={fieldId} className="field-label">
          Room
        </label>
        <select id={fieldId} name="roomId" className="field-input min-h-11" required defaultValue={rooms[0]!.id}>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" name="intent" value={intent} className="btn-primary min-h-11 px-4" disabled={busy}>
        {label}
      </button>
    </Form>
  );
}

export function AnswerBanner({ answer }: { answer: { ok: boolean; message: string } | undefined }) {
  if (!answer) return null;
  return (
    <p role={answer.ok ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="queue-answer">
      {answer.message}
    </p>
  );
}
