/** Opens the browser's print dialog; the page has a print layout of its own (no header or buttons). */
export function PrintButton() {
  return (
    <button type="button" className="btn-secondary min-h-12 text-base" onClick={() => window.print()} data-testid="print-button">
      <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5 fill-current">
        <path d="M7 3h10v4H7V3Zm-3 6h16a2 2 0 0 1 2 2v6h-4v4H6v-4H2v-6a2 2 0 0 1 2-2Zm4 7v3h8v-3H8Z" />
      </svg>
      Print
    </button>
  );
}
