import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { BookingStepView, type WaitlistOffer } from "~/components/booking/booking-steps";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { getViewer, notFound, requireClinicSite } from "~/modules/auth/guards.server";
import { holderFor, readHolder } from "~/modules/booking-flow/browser-hold.server";
import { bookHref, choiceQuery, type Choice } from "~/modules/booking-flow/choice";
import { holdForm, parseChoice } from "~/modules/booking-flow/choice.server";
import { bookingStep, holdTime, letGoOfHeldTimes } from "~/modules/booking-flow/flow.server";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { joinWaitlist, waitingFor, type WaitlistChoice } from "~/modules/patient-account/requests.server";
import { NotFoundError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

/** The waitlist a full day's "Tell me if an earlier time frees up" joins, from the booking's choice. */
function waitlistChoice(choice: Choice): WaitlistChoice | null {
  if (!choice.service || !choice.location || !choice.doctor || !choice.day) return null;
  return { serviceId: choice.service, locationId: choice.location, practitionerId: choice.doctor === "any" ? null : choice.doctor, day: choice.day, dependentId: choice.for ?? null };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const url = new URL(request.url);
  const choice = parseChoice(url.searchParams);
  // A mangled address starts the booking over rather than failing.
  if (!choice) throw redirect("/book");
  // Back at a day's times: one time is held per browser, so the one chosen before is let go.
  const heldBy = choice.day ? readHolder(request) : null;
  if (heldBy) {
    const viewer = await getViewer(request, context);
    await letGoOfHeldTimes(db, clinic, heldBy, { type: "patient", id: viewer.kind === "patient" ? viewer.patient.id : null });
  }
  const step = await bookingStep(db, clinic, choice);
  if ("redirect" in step) throw redirect(step.redirect);
  // The first step keeps a way to call the clinic, for people who would rather talk to someone.
  const mainLine = clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null;
  const phones =
    step.step === "service"
      ? (await listClinicLocations(db, clinic)).flatMap((l) => {
          const phone = l.phone ?? mainLine;
          return phone ? [{ id: l.id, name: l.name, phone, openStateText: l.openStateText, isOpen: l.isOpen }] : [];
        })
      : [];
  // A full day offers the waitlist: in one tap once signed in, unless the patient already waits for it.
  let waitlist: WaitlistOffer | null = null;
  const wanted = step.step === "time" && step.times.length === 0 ? waitlistChoice(choice) : null;
  if (wanted) {
    const viewer = await getViewer(request, context);
    const waitingId = viewer.kind === "patient" ? await waitingFor(db, clinic, viewer.patient.id, wanted) : null;
    waitlist = {
      signedIn: viewer.kind === "patient",
      waiting: waitingId !== null,
      justJoined: waitingId !== null && url.searchParams.get("waitlist") === "joined",
      signInHref: `/sign-in?redirectTo=${encodeURIComponent(bookHref(choice))}`,
    };
  }
  return { clinicName: clinic.name, choice, step, phones, waitlist };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Book an appointment · ${data.clinicName}` : "Book an appointment" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const choice = parseChoice(new URL(request.url).searchParams);
  if (!choice?.service || !choice.location || !choice.doctor) throw redirect("/book");
  const raw = await readForm(request);
  const viewer = await getViewer(request, context);

  if (raw.intent === "waitlist") {
    const wanted = waitlistChoice(choice);
    if (!wanted) throw redirect(bookHref(choice));
    if (viewer.kind !== "patient") throw redirect(`/sign-in?redirectTo=${encodeURIComponent(bookHref(choice))}`);
    let joined;
    try {
      joined = await joinWaitlist(db, clinic, viewer.patient.id, wanted, auditContextFromRequest(request, context));
    } catch (error) {
      // Another clinic's service or doctor, or someone else's family member: nothing to join.
      if (error instanceof NotFoundError) throw notFound();
      throw error;
    }
    if (!joined.ok) return data({ message: joined.message }, { status: 409 });
    return redirect(`${bookHref(choice)}&waitlist=joined`);
  }

  const form = holdForm.safeParse(raw);
  if (!form.success) return data({ message: "Choose one of the times below." }, { status: 400 });
  const holder = holderFor(request);
  const headers = holder.setCookie ? { "Set-Cookie": holder.setCookie } : undefined;
  const held = await holdTime(
    db,
    clinic,
    {
      serviceId: choice.service,
      locationId: choice.location,
      practitionerId: choice.doctor === "any" ? form.data.practitioner : choice.doctor,
      start: new Date(form.data.start),
      heldBy: holder.heldBy,
    },
    { type: "patient", id: viewer.kind === "patient" ? viewer.patient.id : null },
  );
  if (!held.ok) return data({ message: held.message }, { status: 409, headers });
  return redirect(`/book/review${choiceQuery({ ...choice, month: undefined, hold: held.holdId })}`, { headers });
}

// After a refused time the list must be fresh, even though the answer was a conflict.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod === "POST" ? true : defaultShouldRevalidate);

export default function BookStep() {
  const { choice, step, phones, waitlist } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() as { message: string } | undefined;
  return <BookingStepView choice={choice} step={step} phones={phones} refusedMessage={refused?.message ?? null} waitlist={waitlist} />;
}
