import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { LocationForm } from "~/components/owner/location-form";
import { AnswerLine, answerFor, SetupSection, SubmitButton, TextField, type SetupAnswerView } from "~/components/owner/setup-form";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { displayPhone } from "~/modules/clinic/phone-display.server";
import { addRoom, deleteRoom, listLocationsForSetup, locationInput, updateLocation, updateRoom } from "~/modules/clinic/locations-setup.server";
import { answerFromError, done, refused } from "~/modules/clinic/setup-answers.server";
import { ROOM_TYPES } from "~/modules/tenancy/tenant-schema";
import type { ClinicDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.location.name ?? "Location"} · Locations · Staff panel` }];

const ROOM_TYPE_WORDS: Record<(typeof ROOM_TYPES)[number], string> = {
  consultation: "Consultation",
  therapy: "Therapy",
  private: "Private",
  equipment: "Equipment",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db } = await requireStaff(request, context, "locations");
  const location = (await listLocationsForSetup(db)).find((l) => l.id === params.locationId);
  if (!location) throw notFound();
  return {
    location: {
      ...location,
      phone: location.phone ? displayPhone(location.phone) : null,
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, staff } = await requireStaff(request, context, "locations");
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const by = {
    actor: { type: "staff" as const, id: staff.id },
    request: auditContextFromRequest(request, context),
  };
  const locationId = params.locationId ?? "";
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  try {
    switch (intent) {
      case "update-location": {
        const { changed } = await updateLocation(db, locationId, locationInput(form), by);
        return done(intent, changed.length ? "Saved. The booking site uses the new details and hours now." : "Nothing had changed.");
      }
      case "add-room": {
        const room = await addRoom(db, locationId, { name: text("roomName"), type: text("roomType") as never }, by);
        return done(intent, `${room.name} was added.`);
      }
      case "update-room": {
        const room = await roomOfLocation(db, locationId, text("roomId"));
        const { changed } = await updateRoom(
          db,
          room,
          {
            name: text("roomName"),
            type: text("roomType") as never,
            active: form.active === "on",
          },
          by
        );
        return done(intent, changed.length ? "The room was saved." : "Nothing had changed.");
      }
      case "delete-room": {
        const room = await roomOfLocation(db, locationId, text("roomId"));
        await deleteRoom(db, room, by);
        return done(intent, "The room was deleted.");
      }
      default:
        return refused(intent, "Unknown action.", {}, 400);
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    return answerFromError(intent, error);
  }
}

/** A room id from the form must be a room of this location (of this clinic); otherwise 404. */
async function roomOfLocation(db: ClinicDb, locationId: string, roomId: string): Promise<string> {
  const location = (await listLocationsForSetup(db)).find((l) => l.id === locationId);
  if (!location || !location.rooms.some((r) => r.id === roomId)) throw notFound();
  return roomId;
}

export default function PanelLocation() {
  const { location } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SetupAnswerView | undefined;
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const busyRoom = navigation.state === "submitting" ? String(navigation.formData?.get("roomId") ?? "") : null;
  const locationAnswer = answerFor(answer, "update-location");
  const roomAnswer = answer && answer.intent !== "update-location" ? answer : undefined;
  return (
    <>
      <PanelHeading title={location.name}>
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link to="/panel/locations" className="font-semibold text-brand underline">
            ← All locations
          </Link>
        </nav>
      </PanelHeading>
      {search.get("created") && !answer ? (
        <AnswerLine
          answer={{
            intent: "created",
            ok: true,
            message: `${location.name} was added. Add its rooms below.`,
            errors: {},
          }}
        />
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <SetupSection title="Address and hours">
          <AnswerLine answer={locationAnswer} testId="location-answer" />
          <LocationForm key={JSON.stringify(location.openingHours)} initial={location} intent="update-location" submitLabel="Save location" busy={submitting === "update-location"} errors={locationAnswer?.errors ?? {}} />
        </SetupSection>

        <SetupSection title="Rooms" description="A service that needs a room type is only offered when a room of that type is free. An inactive room is never booked." testId="rooms">
          <AnswerLine answer={roomAnswer} testId="room-answer" />
          {location.rooms.length ? (
            <ul className="space-y-3">
              {location.rooms.map((room) => (
                <li key={room.id} className="rounded-xl border border-slate-200 p-3" data-testid="room" data-room-id={room.id}>
                  <Form method="post" className="space-y-3">
                    <input type="hidden" name="roomId" value={room.id} />
                    <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-1 2xl:grid-cols-2">
                      <TextField label="Room name" id={`room-name-${room.id}`} name="roomName" defaultValue={room.name} required maxLength={80} />
                      <div>
                        <label htmlFor={`room-type-${room.id}`} className="field-label">
                          Type
                        </label>
                        <select id={`room-type-${room.id}`} name="roomType" defaultValue={room.type} className="field-input min-h-11">
                          {ROOM_TYPES.map((t) => (
                            <option key={t} value={t}>
                              {ROOM_TYPE_WORDS[t]}
                            </option>
                          ))}
                        </select>
                      </div>
                    </div>
                    <div className="flex flex-wrap items-center gap-3">
                      <label className="flex min-h-11 items-center gap-2 text-sm text-slate-800">
                        <input type="checkbox" name="active" defaultChecked={room.active} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                        Active (can be booked)
                      </label>
                      <Pill tone={room.futureVisits ? "brand" : "muted"}>
                        {room.futureVisits} upcoming {room.futureVisits === 1 ? "visit" : "visits"}
                      </Pill>
                      {!room.active ? <Pill tone="warn">Inactive</Pill> : null}
                    </div>
                    <div className="flex flex-wrap items-start gap-3">
                      <SubmitButton value="update-room" tone="secondary" busy={submitting === "update-room" && busyRoom === room.id} busyText="Saving…">
                        Save room
                      </SubmitButton>
                      <details className="min-w-0">
                        <summary className="btn min-h-11 cursor-pointer list-none border border-red-300 bg-white px-4 text-red-800 hover:bg-red-50">Delete…</summary>
                        <div className="mt-2 rounded-lg bg-red-50 p-3 text-sm text-red-900">
                          <p>Delete {room.name} for good? Rooms with visits on record can only be deactivated.</p>
                          <SubmitButton value="delete-room" tone="danger" className="mt-2" busy={submitting === "delete-room" && busyRoom === room.id} busyText="Deleting…">
                            Yes, delete {room.name}
                          </SubmitButton>
                        </div>
                      </details>
                    </div>
                  </Form>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600" data-testid="no-rooms">
              No rooms yet. Services that need a room type cannot be booked here until a room of that type exists.
            </p>
          )}

          <Form method="post" className="mt-5 space-y-3 border-t border-slate-200 pt-4" data-testid="add-room">
            <h3 className="font-semibold text-slate-900">Add a room</h3>
            <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-1 2xl:grid-cols-2">
              <TextField label="Name" id="new-room-name" name="roomName" required maxLength={80} error={answer?.intent === "add-room" ? answer.errors.name : undefined} />
              <div>
                <label htmlFor="new-room-type" className="field-label">
                  Type
                </label>
                <select id="new-room-type" name="roomType" defaultValue="consultation" className="field-input min-h-11">
                  {ROOM_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {ROOM_TYPE_WORDS[t]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <SubmitButton value="add-room" busy={submitting === "add-room"} busyText="Adding…">
              Add room
            </SubmitButton>
          </Form>
        </SetupSection>
      </div>
    </>
  );
}
