/** The small print under every public page; clinic sites credit the marketplace. */
export function SiteFooter({ marketplaceUrl, clinicName }: { marketplaceUrl: string; clinicName?: string }) {
  const year = new Date().getFullYear();
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-6 text-sm text-slate-600 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <p>
          © {year} {clinicName ?? "Medslot"}
        </p>
        {clinicName ? (
          <p>
            Booking by{" "}
            <a href={marketplaceUrl} className="font-semibold text-slate-800 underline decoration-slate-300 underline-offset-4 hover:decoration-slate-800">
              Medslot
            </a>
          </p>
        ) : (
          <p>Online booking for clinics, with reminders and deposits that make missed visits rare.</p>
        )}
      </div>
    </footer>
  );
}
