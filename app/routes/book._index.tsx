import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { BookingStepView } from "~/components/booking/booking-steps";
import { getViewer, requireClinicSite } from "~/modules/auth/guards.server";
import { holderFor, readHolder } from "~/modules/booking-flow/browser-hold.server";
import { choiceQuery } from "~/modules/booking-flow/choice";
import { holdForm, parseChoice } from "~/modules/booking-flow/choice.server";
import { bookingStep, holdTime, letGoOfHeldTimes } from "~/modules/booking-flow/flow.server";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { readForm } from "~/utils/forms.server";

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
  return { clinicName: clinic.name, choice, step, phones };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Book an appointment · ${data.clinicName}` : "Book an appointment" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const choice = parseChoice(new URL(request.url).searchParams);
  if (!choice?.service || !choice.location || !choice.doctor) throw redirect("/book");
  const form = holdForm.safeParse(await readForm(request));
  if (!form.success) return data({ message: "Choose one of the times below." }, { status: 400 });
  const holder = holderFor(request);
  const headers = holder.setCookie ? { "Set-Cookie": holder.setCookie } : undefined;
  const viewer = await getViewer(request, context);
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
  const { choice, step, phones } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() as { message: string } | undefined;
  return <BookingStepView choice={choice} step={step} phones={phones} refusedMessage={refused?.message ?? null} />;
}
