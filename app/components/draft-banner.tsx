/** Shown on every page of a clinic site that is not published yet, so staff previewing it know. */
export function DraftBanner() {
  return (
    <div role="status" className="bg-amber-100 text-amber-950" data-testid="draft-banner">
      <p className="mx-auto max-w-6xl px-4 py-2 text-sm sm:px-6">
        <strong className="font-semibold">This site is not published yet.</strong> Patients can't find it on Medslot until the clinic goes live.
      </p>
    </div>
  );
}
