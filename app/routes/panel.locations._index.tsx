import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EMPTY_LOCATION, LocationForm } from "~/components/owner/location-form";
import { AnswerLine, answerFor, SetupSection, type SetupAnswerView } from "~/components/owner/setup-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { displayPhone } from "~/modules/clinic/phone-display.server";
import { createLocation, listLocationsForSetup, locationInput } from "~/modules/clinic/locations-setup.server";
import { answerFromError, refused } from "~/modules/clinic/setup-answers.server";
import { formatDayHours, WEEKDAY_NAMES, WEEKDAYS } from "~/modules/tenancy/opening-hours";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Locations · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "locations");
  const locations = await listLocationsForSetup(db);
  return {
    locations: locations.map((l) => ({
      id: l.id,
      name: l.name,
      address: [l.addressLine1, l.addressLine2, [l.postalCode, l.city].filter(Boolean).join(" "), l.region, l.country].filter(Boolean).join(", "),
      phone: l.phone ? displayPhone(l.phone) : null,
      hasCoordinates: l.latitude !== null && l.longitude !== null,
      week: WEEKDAYS.map((d) => ({
        day: WEEKDAY_NAMES[d].slice(0, 3),
        text: formatDayHours(l.openingHours[d]),
      })),
      rooms: l.rooms.length,
      activeRooms: l.rooms.filter((r) => r.active).length,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "locations");
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  if (intent !== "create-location") return refused(intent, "Unknown action.", {}, 400);
  try {
    const created = await createLocation(db, locationInput(form), {
      actor: { type: "staff", id: staff.id },
      request: auditContextFromRequest(request, context),
    });
    return redirect(`/panel/locations/${created.id}?created=1`);
  } catch (error) {
    return answerFromError(intent, error);
  }
}

export default function PanelLocations() {
  const { locations } = useLoaderData<typeof loader>();
  const answer = answerFor(useActionData<typeof action>() as SetupAnswerView | undefined, "create-location");
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "create-location";
  return (
    <>
      <PanelHeading title="Locations">
        <p>Where patients come for their visits, when each place is open, and its rooms. Slots on the booking site follow these hours at once.</p>
      </PanelHeading>
      {locations.length ? (
        <ul className="grid gap-4 lg:grid-cols-2" data-testid="locations">
          {locations.map((l) => (
            <li key={l.id} className="card flex flex-col p-5" data-testid="location">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <h2 className="text-lg font-semibold text-slate-900">{l.name}</h2>
                  <p className="text-sm text-slate-600">{l.address}</p>
                  {l.phone ? <p className="text-sm text-slate-600">{l.phone}</p> : null}
                </div>
                <div className="flex flex-wrap gap-1.5">
                  <Pill>
                    {l.activeRooms} of {l.rooms} {l.rooms === 1 ? "room" : "rooms"} active
                  </Pill>
                  {l.hasCoordinates ? <Pill tone="good">On the map</Pill> : <Pill tone="warn">No coordinates</Pill>}
                </div>
              </div>
              <dl className="mt-3 grid grid-cols-[3.5rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
                {l.week.map((d) => (
                  <div key={d.day} className="contents">
                    <dt className="font-medium text-slate-600">{d.day}</dt>
                    <dd className={d.text === "Closed" ? "text-slate-500" : "text-slate-900"}>{d.text}</dd>
                  </div>
                ))}
              </dl>
              <div className="mt-4">
                <Link to={`/panel/locations/${l.id}`} className="btn-secondary min-h-11 px-4" prefetch="intent">
                  Edit {l.name} and its rooms
                </Link>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="card p-5 text-slate-700" data-testid="no-locations">
          No locations yet. Add the first one below: patients can book once a location, a service and a doctor&rsquo;s hours exist.
        </p>
      )}

      <SetupSection title="Add a location" className="mt-6 max-w-3xl" testId="add-location">
        <AnswerLine answer={answer} />
        <LocationForm initial={EMPTY_LOCATION} intent="create-location" submitLabel="Add location" busy={busy} errors={answer?.errors ?? {}} />
      </SetupSection>
    </>
  );
}
