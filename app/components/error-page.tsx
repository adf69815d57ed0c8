import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useRootData } from "~/root";

const copy: Record<number, { title: string; body: string }> = {
  403: { title: "You don't have access to this page", body: "Your account can't open this page. If you think it should, ask the clinic's owner." },
  404: { title: "We couldn't find that page", body: "The address may be mistyped, or the page has moved." },
  500: { title: "Something went wrong on our side", body: "We've been notified. Please try again in a moment." },
};

/** The branded error page for 403, 404 and 500, in the clinic's colours when the host names one. */
export function ErrorPage() {
  const error = useRouteError();
  const data = useRootData();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const unknownClinic = isRouteErrorResponse(error) && status === 404 && typeof error.data === "string" && error.data.includes("unknown-clinic");
  const suspended = isRouteErrorResponse(error) && typeof error.data === "string" && error.data.includes("suspended");
  const clinic = data?.site.kind === "clinic" ? data.site.clinic : null;
  const text = unknownClinic
    ? { title: "There is no clinic at this address", body: "Check the spelling of the clinic's web address, or find your clinic on Medslot." }
    : suspended
      ? { title: "This clinic's site is unavailable", body: "The clinic isn't taking online bookings here right now. Please contact the clinic directly." }
      : (copy[status] ?? copy[500]!);
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-6 py-16 text-center">
      {clinic?.logoUrl ? (
        <img src={clinic.logoUrl} alt={clinic.name} className="mb-8 h-14 w-auto" />
      ) : (
        <p className="mb-8 text-lg font-bold tracking-tight text-brand">{clinic?.name ?? "Medslot"}</p>
      )}
      <p className="text-sm font-semibold uppercase tracking-widest text-brand">Error {status}</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">{text.title}</h1>
      <p className="mt-4 text-base text-slate-600">{text.body}</p>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        {unknownClinic || suspended ? null : (
          <Link to="/" className="btn-primary">
            {clinic ? `Back to ${clinic.name}` : "Back to the home page"}
          </Link>
        )}
        {clinic?.contactPhone ? (
          <a href={`tel:${clinic.contactPhone}`} className="btn-secondary">
            Call {clinic.contactPhone}
          </a>
        ) : null}
      </div>
    </main>
  );
}
