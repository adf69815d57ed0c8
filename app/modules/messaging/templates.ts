import { z } from "zod";

/**
 * The messages a clinic sends its patients, their default wording, and the `{{variable}}`
 * renderer. Plain module (no server imports) so a template editor can validate in the browser
 * with the same schema the server uses.
 *
 * A clinic may replace any default with its own text (templates.server.ts). Saving refuses a
 * variable the message does not know; sending never throws: a variable without a value renders
 * as nothing, so a message always goes out.
 */

export const MESSAGE_KINDS = [
  "sign_in_code",
  "booking_confirmation",
  "booking_change",
  "cancellation",
  "request_declined",
  "reminder",
  "deposit_problem",
  "flexible_proposal",
  "waitlist_offer",
  "youre_next",
  "clinic_suspended",
  "desk_message",
] as const;

export type MessageKind = "sign_in_code" | "booking_confirmation" | "booking_change" | "cancellation" | "request_declined" | "reminder" | "deposit_problem" | "flexible_proposal" | "waitlist_offer" | "youre_next" | "clinic_suspended" | "desk_message";

export const MESSAGE_CHANNELS = ["sms", "email"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** What each variable means, for the template editor's help text. */
export const VARIABLE_DESCRIPTIONS = {
  clinicName: "the clinic's name",
  clinicPhone: "the clinic's phone number",
  clinicEmail: "the clinic's email address",
  patientName: "the first name of the person the message is sent to",
  visitFor: "who the visit is for: the family member's first name, or \"you\"",
  serviceName: "the service booked",
  doctorName: "the practitioner's name",
  locationName: "the location's name",
  date: "the visit's date in the clinic's time zone",
  time: "the visit's time in the clinic's time zone",
  appointmentUrl: "a link to the visit on the clinic's site",
  bookingCode: "the booking's short code (kept when the visit moves), to quote to the clinic",
  checkInUrl: "the patient's own check-in link for the visit (opens an hour before it)",
  checkInQrUrl: "a QR code of the check-in link, to scan with a phone",
  accountUrl: "a link to the patient's account on the clinic's site",
  bookUrl: "a link to book again on the clinic's site",
  cardsUrl: "a link where the patient updates their card",
  requestsUrl: "a link to the patient's requests, to accept or decline a time",
  expiresAt: "when the offered time stops being held for the patient",
  code: "the 6-digit sign-in code",
  host: "the site the code is for (lets phones offer the code for autofill)",
  platformAccountUrl: "a link to the patient's visits at every clinic, on Medslot's own site (works while the clinic's site is offline)",
  reason: "the reason the clinic gave for declining the request",
  message: "the words the desk typed to the patient",
} as const;

export type TemplateVariable = keyof typeof VARIABLE_DESCRIPTIONS;

const VISIT: TemplateVariable[] = ["clinicName", "clinicPhone", "patientName", "visitFor", "serviceName", "doctorName", "locationName", "date", "time", "appointmentUrl", "bookingCode", "accountUrl", "checkInUrl", "checkInQrUrl"];

/** The variables each kind of message may use. */
export const TEMPLATE_VARIABLES: Record<MessageKind, readonly TemplateVariable[]> = {
  sign_in_code: ["clinicName", "code", "host"],
  booking_confirmation: VISIT,
  booking_change: VISIT,
  cancellation: [...VISIT, "bookUrl"],
  request_declined: [...VISIT, "reason", "bookUrl"],
  reminder: VISIT,
  deposit_problem: [...VISIT, "cardsUrl"],
  // A time offered is not a booking yet: it has no code.
  flexible_proposal: [...VISIT.filter((v) => v !== "bookingCode"), "expiresAt", "requestsUrl"],
  waitlist_offer: [...VISIT.filter((v) => v !== "bookingCode"), "expiresAt", "requestsUrl"],
  youre_next: ["clinicName", "patientName", "visitFor", "doctorName", "locationName", "appointmentUrl"],
  // The clinic's site is offline: its contacts and Medslot's own site are what the patient can use.
  clinic_suspended: ["clinicName", "clinicPhone", "clinicEmail", "patientName", "visitFor", "serviceName", "doctorName", "locationName", "date", "time", "platformAccountUrl"],
  // The desk's own words about a visit, wrapped so the patient knows who writes and about what.
  desk_message: ["clinicName", "clinicPhone", "patientName", "visitFor", "serviceName", "doctorName", "locationName", "date", "time", "appointmentUrl", "message"],
};

export interface TemplateText {
  /** Email only; SMS has no subject. */
  subject: string | null;
  body: string;
}

/** Longest SMS we let a clinic save (about four segments); the defaults stay under 300. */
export const SMS_MAX_LENGTH = 640;
export const EMAIL_MAX_LENGTH = 2000;
export const SUBJECT_MAX_LENGTH = 150;

const SIGNATURE = "{{clinicName}}";

export const DEFAULT_TEMPLATES: Record<MessageKind, Record<MessageChannel, TemplateText>> = {
  sign_in_code: {
    // The last line lets phones offer the code for autofill (WebOTP format).
    sms: { subject: null, body: "{{code}} is your {{clinicName}} sign-in code. It expires in 10 minutes. Never share it.\n\n@{{host}} #{{code}}" },
    email: { subject: "Your {{clinicName}} sign-in code", body: "{{code}} is your {{clinicName}} sign-in code. It expires in 10 minutes. Never share it with anyone." },
  },
  booking_confirmation: {
    sms: { subject: null, body: "{{clinicName}}: {{serviceName}} for {{visitFor}} with {{doctorName}} is booked for {{date}} at {{time}}, {{locationName}}. Details or changes: {{appointmentUrl}}" },
    email: {
      subject: "Booked: {{serviceName}} on {{date}} at {{time}}",
      body: "Hello {{patientName}},\n\n{{serviceName}} for {{visitFor}} with {{doctorName}} is booked for {{date}} at {{time}} at {{locationName}}.\n\nYour booking code: {{bookingCode}}\nTo see, change or cancel the visit: {{appointmentUrl}}\n\nWhen you arrive, check in from your phone: {{checkInUrl}}\n(or scan this QR code: {{checkInQrUrl}})\n\nSee you soon,\n" + SIGNATURE,
    },
  },
  booking_change: {
    sms: { subject: null, body: "{{clinicName}}: {{serviceName}} for {{visitFor}} has moved to {{date}} at {{time}} with {{doctorName}}, {{locationName}}. Details: {{appointmentUrl}}" },
    email: {
      subject: "Moved: {{serviceName}} is now on {{date}} at {{time}}",
      body: "Hello {{patientName}},\n\n{{serviceName}} for {{visitFor}} has moved. The new time is {{date}} at {{time}} with {{doctorName}} at {{locationName}}. Your booking code stays {{bookingCode}}.\n\nDetails: {{appointmentUrl}}\n\n" + SIGNATURE,
    },
  },
  cancellation: {
    sms: { subject: null, body: "{{clinicName}}: {{serviceName}} for {{visitFor}} on {{date}} at {{time}} is cancelled. To book another time: {{bookUrl}}" },
    email: {
      subject: "Cancelled: {{serviceName}} on {{date}}",
      body: "Hello {{patientName}},\n\n{{serviceName}} for {{visitFor}} on {{date}} at {{time}} is cancelled.\n\nTo book another time: {{bookUrl}}\n\n" + SIGNATURE,
    },
  },
  // A request that was never booked: the patient hears why, and where to find another time.
  request_declined: {
    sms: { subject: null, body: "{{clinicName}}: we can't book {{serviceName}} for {{visitFor}} on {{date}} at {{time}}. {{reason}} To choose another time: {{bookUrl}}" },
    email: {
      subject: "Your request for {{serviceName}} on {{date}}",
      body: "Hello {{patientName}},\n\nWe can't book {{serviceName}} for {{visitFor}} on {{date}} at {{time}} as you asked.\n\nThe reason: {{reason}}\n\nTo choose another time: {{bookUrl}}\nQuestions? Call us at {{clinicPhone}}.\n\n" + SIGNATURE,
    },
  },
  reminder: {
    sms: { subject: null, body: "Reminder from {{clinicName}}: {{serviceName}} for {{visitFor}} with {{doctorName}} is on {{date}} at {{time}}, {{locationName}}. To change or cancel: {{appointmentUrl}}" },
    email: {
      subject: "Reminder: {{serviceName}} on {{date}} at {{time}}",
      body: "Hello {{patientName}},\n\nA reminder: {{serviceName}} for {{visitFor}} with {{doctorName}} is on {{date}} at {{time}} at {{locationName}}.\n\nTo change or cancel: {{appointmentUrl}}\n\nWhen you arrive, check in from your phone: {{checkInUrl}}\n(or scan this QR code: {{checkInQrUrl}})\n\n" + SIGNATURE,
    },
  },
  deposit_problem: {
    sms: { subject: null, body: "{{clinicName}}: we couldn't take the deposit for the visit on {{date}} at {{time}}. Please update your card to keep it: {{cardsUrl}}" },
    email: {
      subject: "Action needed: update your card for {{date}}",
      body: "Hello {{patientName}},\n\nYour bank declined the deposit for {{serviceName}} for {{visitFor}} on {{date}} at {{time}}.\n\nPlease add or choose another card to keep the visit: {{cardsUrl}}\n\nQuestions? Call us at {{clinicPhone}}.\n\n" + SIGNATURE,
    },
  },
  flexible_proposal: {
    sms: { subject: null, body: "{{clinicName}} has a time for {{visitFor}}: {{serviceName}} on {{date}} at {{time}} with {{doctorName}}. Accept or decline by {{expiresAt}}: {{requestsUrl}}" },
    email: {
      subject: "A time for {{serviceName}}: {{date}} at {{time}}",
      body: "Hello {{patientName}},\n\nWe found a time for {{visitFor}} ({{serviceName}}): {{date}} at {{time}} with {{doctorName}} at {{locationName}}.\n\nPlease accept or decline by {{expiresAt}}: {{requestsUrl}}\n\n" + SIGNATURE,
    },
  },
  waitlist_offer: {
    sms: { subject: null, body: "{{clinicName}}: a time opened up for {{visitFor}}: {{serviceName}} on {{date}} at {{time}} with {{doctorName}}. It's yours if you accept by {{expiresAt}}: {{requestsUrl}}" },
    email: {
      subject: "A time opened up: {{date}} at {{time}}",
      body: "Hello {{patientName}},\n\nA time opened up for {{visitFor}} ({{serviceName}}): {{date}} at {{time}} with {{doctorName}} at {{locationName}}.\n\nIt's held for you until {{expiresAt}}. Accept or pass: {{requestsUrl}}\n\n" + SIGNATURE,
    },
  },
  youre_next: {
    sms: { subject: null, body: "{{clinicName}}: it's almost time! {{doctorName}} will call {{visitFor}} in a few minutes. Please stay close to the waiting area." },
    email: {
      subject: "You're next at {{clinicName}}",
      body: "Hello {{patientName}},\n\nIt's almost time: {{doctorName}} will call {{visitFor}} in a few minutes. Please stay close to the waiting area.\n\n" + SIGNATURE,
    },
  },
  clinic_suspended: {
    sms: {
      subject: null,
      body: "{{clinicName}} is not taking new bookings for now and its website is offline. Your visit on {{date}} at {{time}} stays booked unless the clinic tells you otherwise. Questions: {{clinicPhone}} {{clinicEmail}}. Your visits: {{platformAccountUrl}}",
    },
    email: {
      subject: "{{clinicName}} is not taking new bookings for now",
      body:
        "Hello {{patientName}},\n\n{{clinicName}} is not taking new bookings for now, and its booking website is offline.\n\nThe visit for {{visitFor}} ({{serviceName}} with {{doctorName}} on {{date}} at {{time}}, {{locationName}}) stays booked unless the clinic tells you otherwise. To change or cancel it, contact the clinic:\n\nPhone: {{clinicPhone}}\nEmail: {{clinicEmail}}\n\nYour visits at every clinic: {{platformAccountUrl}}\n\n" +
        SIGNATURE,
    },
  },
  desk_message: {
    sms: { subject: null, body: "{{clinicName}}: {{message}}" },
    email: {
      subject: "A message from {{clinicName}} about your visit on {{date}}",
      body: "Hello {{patientName}},\n\n{{message}}\n\nYour visit: {{serviceName}} for {{visitFor}} on {{date}} at {{time}}. Details: {{appointmentUrl}}\n\n" + SIGNATURE,
    },
  },
};

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** The variable names a template uses, in order of first use. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills `{{name}}` placeholders. Never throws: a variable without a value renders as nothing, and
 * whitespace left around it is tidied, so a template saved before a variable was retired still
 * sends a readable message.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  const filled = text.replace(PLACEHOLDER, (_, name: string) => (Object.prototype.hasOwnProperty.call(vars, name) ? (vars[name] ?? "") : ""));
  return filled.replace(/[ \t]{2,}/g, " ").replace(/ +([,.!?])/g, "$1").trim();
}

/** A template's text for one kind and channel, as a clinic saves it. Unknown variables are refused. */
export function templateInputSchema(kind: MessageKind, channel: MessageChannel) {
  const allowed = new Set<string>(TEMPLATE_VARIABLES[kind]);
  const checkText = (text: string, ctx: z.RefinementCtx, path: string) => {
    const unknown = templateVariables(text).filter((v) => !allowed.has(v));
    if (unknown.length) {
      ctx.addIssue({
        code: "custom",
        path: [path],
        message: `Unknown ${unknown.length === 1 ? "variable" : "variables"} ${unknown.map((v) => `{{${v}}}`).join(", ")}. This message can use ${[...allowed].map((v) => `{{${v}}}`).join(", ")}.`,
      });
    }
    // Braces that are not a whole {{variable}} would be sent to patients as they are.
    if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, ""))) {
      ctx.addIssue({ code: "custom", path: [path], message: "Write variables as {{name}}, with two braces on each side." });
    }
  };
  const max = channel === "sms" ? SMS_MAX_LENGTH : EMAIL_MAX_LENGTH;
  return z
    .object({
      subject: channel === "email" ? z.string().trim().min(1, "An email needs a subject.").max(SUBJECT_MAX_LENGTH, `At most ${SUBJECT_MAX_LENGTH} characters.`) : z.null().optional().transform(() => null),
      body: z.string().trim().min(1, "The message cannot be empty.").max(max, `At most ${max} characters.`),
    })
    .superRefine((value, ctx) => {
      checkText(value.body, ctx, "body");
      if (value.subject) checkText(value.subject, ctx, "subject");
      if (kind === "sign_in_code" && !templateVariables(value.body).includes("code")) {
        ctx.addIssue({ code: "custom", path: ["body"], message: "A sign-in message must contain {{code}}." });
      }
    });
}

export const isMessageKind = (value: string): value is MessageKind => (MESSAGE_KINDS as readonly string[]).includes(value);
