import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useRootData } from "~/components/root-data";
import { ClinicBrand, MedslotMark } from "./clinic-mark";

interface Copy {
  title: string;
  body: string;
}

const COPY: Record<number, Copy> = {
  403: { title: "You don't have access to this page", body: "Your account can't open this page. If you think it should, ask the clinic's owner to check your role." },
  404: { title: "We couldn't find that page", body: "The address may be mistyped, or the page has moved." },
  413: { title: "That was too large to send", body: "Nothing was saved. Go back and send less: a smaller file, or shorter text." },
  500: { title: "Something went wrong on our side", body: "The problem has been logged. Please try again in a moment." },
};

/** The body the root loader sends when a host names no clinic: why, which host, where the marketplace is. */
function hostProblem(data: unknown): { reason?: string; host?: string; marketplaceUrl?: string } {
  let value = data;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return value && typeof value === "object" ? (value as { reason?: string; host?: string; marketplaceUrl?: string }) : {};
}

/** The branded error page for 403, 404, 413 and 500, in the clinic's colours when the host names one. */
export function ErrorPage() {
  const error = useRouteError();
  const root = useRootData();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const problem = isRouteErrorResponse(error) ? hostProblem(error.data) : {};
  const clinic = root?.site.kind === "clinic" ? root.site.clinic : null;
  const marketplaceUrl = root?.marketplaceUrl ?? problem.marketplaceUrl ?? "/";
  const signedInStaff = root?.viewer.kind === "staff";

  let text: Copy = COPY[status] ?? COPY[500]!;
  // The server's 413 names the rule that was broken ("A logo may be at most 1 MB.").
  if (status === 413 && isRouteErrorResponse(error) && typeof error.data === "string" && error.data) text = { ...text, body: `${error.data} ${text.body}` };
  let hostIsEmpty = false;
  if (problem.reason === "unknown-clinic" || problem.reason === "reserved" || problem.reason === "invalid-host") {
    hostIsEmpty = true;
    text = {
      title: "There is no clinic at this address",
      body: problem.host
        ? `Nothing is published at ${problem.host}. Check the spelling of the clinic's web address, or find your clinic on Medslot.`
        : "Check the spelling of the clinic's web address, or find your clinic on Medslot.",
    };
  } else if (problem.reason === "suspended") {
    hostIsEmpty = true;
    text = { title: "This clinic's site is unavailable", body: "The clinic isn't taking online bookings here right now. Please contact the clinic directly." };
  }

  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center px-4 py-3 sm:px-6">
          {clinic ? (
            <a href="/" className="flex min-w-0 items-center gap-3 rounded-lg">
              <ClinicBrand name={clinic.name} logoUrl={clinic.logoUrl} />
            </a>
          ) : (
            <a href={marketplaceUrl} className="flex items-center gap-2.5 rounded-lg">
              <MedslotMark />
              <span className="text-lg font-bold tracking-tight text-slate-900">Medslot</span>
            </a>
          )}
        </div>
      </header>

      <main id="main" className="flex flex-1 items-center justify-center px-4 py-16 sm:px-6">
        <div className="w-full max-w-xl text-center" data-testid="error-page" data-status={status}>
          <p className="mx-auto inline-flex h-16 w-16 items-center justify-center rounded-full bg-brand-soft text-xl font-bold tabular-nums text-slate-900 ring-1 ring-brand/30" aria-hidden="true">
            {status}
          </p>
          <p className="mt-6 text-sm font-semibold uppercase tracking-widest text-slate-600">Error {status}</p>
          <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">{text.title}</h1>
          <p className="mt-4 text-base leading-7 text-slate-700">{text.body}</p>
          <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
            {hostIsEmpty ? (
              <a href={marketplaceUrl} className="btn-primary px-5 py-3">
                Find a clinic on Medslot
              </a>
            ) : clinic ? (
              <>
                {status === 403 && signedInStaff ? (
                  <a href="/panel" className="btn-primary px-5 py-3">
                    Back to the staff panel
                  </a>
                ) : (
                  <a href="/" className="btn-primary px-5 py-3">
                    Back to {clinic.name}
                  </a>
                )}
                {clinic.contactPhone && !signedInStaff ? (
                  <a href={clinic.contactPhone.href} className="btn-secondary px-5 py-3">
                    Call {clinic.contactPhone.display}
                  </a>
                ) : null}
              </>
            ) : (
              <a href="/" className="btn-primary px-5 py-3">
                Back to the home page
              </a>
            )}
          </div>
        </div>
      </main>

      <footer className="border-t border-slate-200 bg-white">
        <p className="mx-auto max-w-6xl px-4 py-5 text-sm text-slate-600 sm:px-6">
          {clinic ? (
            <>
              Booking by{" "}
              <a href={marketplaceUrl} className="font-semibold text-slate-800 underline decoration-slate-300 underline-offset-4">
                Medslot
              </a>
            </>
          ) : (
            "Medslot · online booking for clinics"
          )}
        </p>
      </footer>
    </div>
  );
}
