import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { SiteFooter } from "~/components/site-footer";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { MAX_SEARCH_LENGTH, normaliseSearch } from "~/modules/marketplace/catalog-search";
import { compareService, type CompareSort } from "~/modules/marketplace/compare.server";
import { describeDiscount, formatDeposit, formatNextFree, formatPrice, NO_FREE_TIME } from "~/modules/marketplace/result-format";
import { bookingUrl } from "~/modules/marketplace/search.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";

/** One service's price, discount, deposit, duration and next free time across clinics, from the published catalog. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  if (site.kind !== "marketplace") throw new Response("Not found", { status: 404 });
  const params = new URL(request.url).searchParams;
  const service = normaliseSearch(params.get("service"));
  const sort: CompareSort = params.get("sort") === "soonest" ? "soonest" : "price";
  const now = new Date();
  let error: string | null = null;
  let offers: Awaited<ReturnType<typeof compareService>>["offers"] = [];
  if (service) {
    try {
      offers = (await compareService(getDb(), { service, sort })).offers;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      error = e.detail;
    }
  }
  return {
    service,
    sort,
    error,
    offers: offers.map((o) => ({
      id: o.service.id,
      clinic: { name: o.clinic.name, city: o.clinic.city },
      serviceName: o.service.name,
      price: formatPrice(o.service.priceMinor, o.service.currency),
      currency: o.service.currency,
      discounts: o.service.discounts.map(describeDiscount),
      deposit: formatDeposit(o.service.deposit, o.service.currency, o.service.priceMinor),
      durationMin: o.service.durationMin,
      nextFree: o.nextFreeAt ? formatNextFree(o.nextFreeAt, o.clinic.timeZone, now) : null,
      bookUrl: bookingUrl(clinicSiteOrigin(o.clinic.slug), o.service.id),
    })),
    marketplaceUrl: marketplaceOrigin(),
  };
}

type Offer = Awaited<ReturnType<typeof loader>>["offers"][number];

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Page not found · Medslot" }];
  return [
    { title: data.service ? `Compare “${data.service}” across clinics · Medslot` : "Compare prices · Medslot" },
    { name: "robots", content: "noindex" },
  ];
};

export default function Compare() {
  const data = useLoaderData<typeof loader>();
  const viewer = useRootData()?.viewer ?? { kind: "anonymous" as const };
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/compare";
  const sortHref = (sort: CompareSort) => `/compare?${new URLSearchParams({ service: data.service, ...(sort === "soonest" ? { sort } : {}) }).toString()}`;
  return (
    <div className="flex min-h-screen flex-col">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <section className="bg-gradient-to-b from-teal-50 to-slate-50">
          <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
            <p className="text-sm">
              <a href={data.service ? `/search?q=${encodeURIComponent(data.service)}` : "/search"} className="font-semibold text-teal-800 underline decoration-teal-300 underline-offset-4 hover:decoration-teal-800">
                ← Back to search
              </a>
            </p>
            <h1 className="mt-2 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{data.service ? `Compare “${data.service}”` : "Compare prices"}</h1>
            <p className="mt-2 max-w-2xl text-slate-700">One service across clinics: price, discount, deposit, duration and the next free time, each in the clinic's own currency and local time.</p>
            <Form method="get" action="/compare" className="mt-6 flex flex-col gap-2 sm:flex-row" role="search">
              <label htmlFor="compare-service" className="sr-only">
                Service to compare
              </label>
              <input id="compare-service" name="service" type="search" defaultValue={data.service} maxLength={MAX_SEARCH_LENGTH} placeholder="e.g. dental cleaning" className="field-input mt-0 flex-1" aria-invalid={data.error ? true : undefined} aria-describedby={data.error ? "compare-error" : undefined} />
              <button type="submit" className="btn-primary px-6 py-3 text-base">
                Compare
              </button>
            </Form>
            {data.error ? (
              <p id="compare-error" role="alert" className="field-error">
                {data.error}
              </p>
            ) : null}
          </div>
        </section>
        <section aria-labelledby="offers-heading" className="mx-auto max-w-6xl px-4 pb-12 pt-6 sm:px-6 sm:pt-8">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
            <h2 id="offers-heading" className="text-xl font-bold tracking-tight text-slate-900">
              {data.offers.length ? `${data.offers.length} ${data.offers.length === 1 ? "clinic" : "clinics"}` : "Clinics"}
            </h2>
            {data.offers.length > 1 ? (
              <nav aria-label="Sort the comparison" className="flex items-center gap-2 text-sm">
                <span className="text-slate-700">Sort by</span>
                {(["price", "soonest"] as const).map((sort) => (
                  <a
                    key={sort}
                    href={sortHref(sort)}
                    aria-current={data.sort === sort ? "true" : undefined}
                    className={`rounded-full px-3 py-1.5 font-semibold ${data.sort === sort ? "bg-teal-800 text-white" : "bg-white text-teal-900 ring-1 ring-slate-300 hover:bg-teal-50"}`}
                    data-testid={`compare-sort-${sort}`}
                  >
                    {sort === "price" ? "Lowest price" : "Next free time"}
                  </a>
                ))}
              </nav>
            ) : null}
          </div>
          <p role="status" className="sr-only">
            {loading ? "Loading the comparison…" : ""}
          </p>
          {data.offers.length ? (
            <div className={loading ? "opacity-50" : undefined} aria-busy={loading || undefined}>
              <OffersTable offers={data.offers} />
              <ul className="mt-4 grid gap-4 md:hidden" data-testid="compare-cards">
                {data.offers.map((o) => (
                  <li key={o.id}>
                    <OfferCard offer={o} />
                  </li>
                ))}
              </ul>
            </div>
          ) : data.service && !data.error ? (
            <div className="card mt-6 flex flex-col items-center px-6 py-12 text-center" data-testid="compare-empty">
              <p className="text-lg font-semibold text-slate-900">No clinic offers “{data.service}” on Medslot yet</p>
              <p className="mt-1 max-w-md text-slate-600">Try another name for the service, or fewer words.</p>
              <a href="/search" className="btn-secondary mt-6 px-5 py-3">
                Search services
              </a>
            </div>
          ) : !data.service ? (
            <p className="mt-3 text-slate-700">Type a service above, or use “Compare prices” on a search result.</p>
          ) : null}
        </section>
      </main>
      <SiteFooter marketplaceUrl={data.marketplaceUrl} />
    </div>
  );
}

function Discounts({ offer }: { offer: Offer }) {
  if (!offer.discounts.length) return <span className="text-slate-600">None</span>;
  return (
    <ul className="space-y-0.5">
      {offer.discounts.map((d) => (
        <li key={d}>{d}</li>
      ))}
    </ul>
  );
}

function NextFree({ offer }: { offer: Offer }) {
  return offer.nextFree ? <span className="font-semibold text-teal-800">{offer.nextFree}</span> : <span className="text-slate-700">{NO_FREE_TIME}</span>;
}

function OffersTable({ offers }: { offers: Offer[] }) {
  return (
    <div className="card mt-4 hidden overflow-x-auto md:block">
      <table className="w-full text-left text-sm" data-testid="compare-table">
        <caption className="sr-only">The service at each clinic: price, discount, deposit, duration and next free time</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-slate-700">
          <tr>
            {["Clinic", "City", "Price", "Discount", "Deposit", "Duration", "Next free time"].map((h) => (
              <th key={h} scope="col" className="px-4 py-3 font-semibold">
                {h}
              </th>
            ))}
            <th scope="col" className="px-4 py-3">
              <span className="sr-only">Book</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {offers.map((o) => (
            <tr key={o.id} data-testid="compare-row">
              <th scope="row" className="px-4 py-3 align-top font-semibold text-slate-900">
                {o.clinic.name}
                <span className="block text-xs font-normal text-slate-600">{o.serviceName}</span>
              </th>
              <td className="px-4 py-3 align-top">{o.clinic.city ?? "—"}</td>
              <td className="px-4 py-3 align-top font-semibold text-slate-900" data-testid="compare-price">
                {o.price}
              </td>
              <td className="px-4 py-3 align-top text-amber-900">
                <Discounts offer={o} />
              </td>
              <td className="px-4 py-3 align-top">{o.deposit ?? "None"}</td>
              <td className="px-4 py-3 align-top">{o.durationMin} min</td>
              <td className="px-4 py-3 align-top" data-testid="compare-next-free">
                <NextFree offer={o} />
              </td>
              <td className="px-4 py-3 text-right align-top">
                <a href={o.bookUrl} className="btn-primary whitespace-nowrap">
                  Book<span className="sr-only"> {o.serviceName} at {o.clinic.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OfferCard({ offer }: { offer: Offer }) {
  return (
    <article className="card p-5" aria-label={`${offer.clinic.name}: ${offer.serviceName}`} data-testid="compare-card">
      <h3 className="text-lg font-semibold text-slate-900">{offer.clinic.name}</h3>
      <p className="text-sm text-slate-600">
        {offer.serviceName}
        {offer.clinic.city ? ` · ${offer.clinic.city}` : ""}
      </p>
      <dl className="mt-4 grid grid-cols-2 gap-x-3 gap-y-3 text-sm">
        <div>
          <dt className="text-slate-600">Price</dt>
          <dd className="font-semibold text-slate-900">{offer.price}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Duration</dt>
          <dd className="font-semibold text-slate-900">{offer.durationMin} min</dd>
        </div>
        <div>
          <dt className="text-slate-600">Deposit</dt>
          <dd>{offer.deposit ?? "None"}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Discount</dt>
          <dd className="text-amber-900">
            <Discounts offer={offer} />
          </dd>
        </div>
        <div className="col-span-2">
          <dt className="text-slate-600">Next free time</dt>
          <dd>
            <NextFree offer={offer} />
          </dd>
        </div>
      </dl>
      <a href={offer.bookUrl} className="btn-primary mt-5 w-full py-3">
        Book at {offer.clinic.name}
        <span className="sr-only">: {offer.serviceName}</span>
      </a>
    </article>
  );
}
