import type { ReactNode } from "react";

/**
 * One of a patient's lists of visits ("Past", "Cancelled and moved") under its heading, on the
 * clinic's /account and the marketplace's; nothing when it is empty.
 */
export function AppointmentList<T extends { id: string }>({ id, title, items, card }: { id: string; title: string; items: T[]; card: (item: T) => ReactNode }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-heading`} className="mt-8">
      <h2 id={`${id}-heading`} className="mb-3 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      <ul className="space-y-4" data-testid={`${id}-appointments`}>
        {items.map(card)}
      </ul>
    </section>
  );
}
