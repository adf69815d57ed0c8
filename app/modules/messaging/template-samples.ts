/**
 * Sample values for the template editor's preview: what a patient would read, with made-up visit
 * details and the clinic's own name, phone and site. Plain module (runs in the browser).
 */
import { renderTemplate, TEMPLATE_VARIABLES, type MessageKind, type TemplateVariable } from "./templates";

export function sampleVariables(clinic: { name: string; phone: string | null; origin: string }): Record<TemplateVariable, string> {
  return {
    clinicName: clinic.name,
    clinicPhone: clinic.phone ?? "+1 212 555 0142",
    clinicEmail: "desk@clinic.example",
    patientName: "Maria",
    visitFor: "you",
    serviceName: "General check-up",
    doctorName: "Dr. Amelia Chen",
    locationName: "Main clinic",
    date: "Tuesday, 12 May",
    time: "09:30",
    appointmentUrl: `${clinic.origin}/account/appointments/3f2a`,
    bookingCode: "NOR-7K4QX",
    accountUrl: `${clinic.origin}/account`,
    bookUrl: `${clinic.origin}/book`,
    cardsUrl: `${clinic.origin}/account/cards`,
    requestsUrl: `${clinic.origin}/account/requests`,
    checkInUrl: `${clinic.origin}/check-in/3f2a`,
    checkInQrUrl: `${clinic.origin}/check-in/3f2a/qr.svg`,
    expiresAt: "Monday 18:00",
    code: "482913",
    host: clinic.origin.replace(/^https?:\/\//, ""),
    platformAccountUrl: "https://medslot.example/account",
    reason: "Dr. Chen is away that week.",
    message: "Please bring your new insurance card.",
  };
}

/** The message as the patient would get it, with only the variables this kind may use filled in. */
export function previewTemplate(kind: MessageKind, text: string, samples: Record<TemplateVariable, string>): string {
  const allowed = Object.fromEntries(TEMPLATE_VARIABLES[kind].map((v) => [v, samples[v]]));
  return renderTemplate(text, allowed);
}
