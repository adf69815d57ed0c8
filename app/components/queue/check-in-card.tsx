/** The self check-in link and QR code of a visit, as the patient's pages show it (and print it). */
export function CheckInCardView({ card }: { card: { url: string; path: string; svg: string } | null }) {
  if (!card) return null;
  return (
    <section className="card mt-4 flex flex-col items-center gap-4 p-4 sm:flex-row sm:items-start sm:p-6 print:border print:shadow-none" aria-labelledby="check-in-card" data-testid="check-in-card">
      {/* Our own SVG, drawn on the server from our own link. */}
      <div className="h-36 w-36 shrink-0 rounded-lg bg-white p-1 ring-1 ring-slate-200" role="img" aria-label="QR code of your check-in link" dangerouslySetInnerHTML={{ __html: card.svg }} />
      <div className="min-w-0">
        <h2 id="check-in-card" className="text-lg font-semibold text-slate-900">
          Check in on arrival
        </h2>
        <p className="mt-1 text-sm text-slate-700">When you get to the clinic, scan this code or open the link to check in from your phone. You'll get a number and see your place in line. It opens an hour before your visit.</p>
        <a href={card.path} className="btn-secondary mt-3 min-h-11 px-4 print:hidden" data-testid="check-in-link">
          Open check-in
        </a>
        <p className="mt-2 hidden break-all text-xs text-slate-600 print:block">{card.url}</p>
      </div>
    </section>
  );
}
