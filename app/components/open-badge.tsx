/** "Open now" / "Closed now", with the full sentence for screen readers unless it is shown beside it. */
export function OpenBadge({ isOpen, text, showDetail = false }: { isOpen: boolean; text: string; showDetail?: boolean }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-semibold ${
        isOpen ? "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200" : "bg-slate-100 text-slate-700 ring-1 ring-slate-200"
      }`}
      data-testid="open-state"
      title={text}
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${isOpen ? "bg-emerald-500" : "bg-slate-400"}`} />
      {isOpen ? "Open now" : "Closed now"}
      {showDetail ? null : <span className="sr-only">. {text}</span>}
    </span>
  );
}
