import { describe, expect, test } from "vitest";
import { DEFAULT_TEMPLATES, MESSAGE_CHANNELS, MESSAGE_KINDS, renderTemplate, TEMPLATE_VARIABLES, templateInputSchema, templateVariables } from "./templates";

const sample: Record<string, string> = {
  clinicName: "Northside Family Practice",
  clinicPhone: "+1 212 555 0100",
  patientName: "Maria",
  visitFor: "Leo",
  serviceName: "Child check-up",
  doctorName: "Dr. Amelia Hart",
  locationName: "Upper West Side",
  date: "Tue, Dec 1",
  time: "9:30 AM",
  appointmentUrl: "https://northside.medslot.example/account/appointments/0b6f0d5e-2b1b-4a53-9f5e-9c1b3f1e2d4a",
  accountUrl: "https://northside.medslot.example/account",
  bookUrl: "https://northside.medslot.example/book",
  cardsUrl: "https://northside.medslot.example/account/cards",
  requestsUrl: "https://northside.medslot.example/account/requests",
  expiresAt: "Mon, Nov 30, 6:00 PM",
  code: "123456",
  host: "northside.medslot.example",
  checkInUrl: "https://northside.medslot.example/check-in/0b6f0d5e-2b1b-4a53-9f5e-9c1b3f1e2d4a.0123456789abcdef0123456789abcdef",
  checkInQrUrl: "https://northside.medslot.example/check-in/0b6f0d5e-2b1b-4a53-9f5e-9c1b3f1e2d4a.0123456789abcdef0123456789abcdef/qr.svg",
};

describe("default templates", () => {
  test.each(MESSAGE_KINDS.flatMap((kind) => MESSAGE_CHANNELS.map((channel) => [kind, channel] as const)))("%s by %s uses only its own variables and is valid", (kind, channel) => {
    const t = DEFAULT_TEMPLATES[kind][channel];
    const allowed = TEMPLATE_VARIABLES[kind];
    for (const v of templateVariables(`${t.subject ?? ""} ${t.body}`)) expect(allowed).toContain(v);
    expect(templateInputSchema(kind, channel).safeParse(t).success).toBe(true);
    if (channel === "email") expect(t.subject).toBeTruthy();
    else expect(t.subject).toBeNull();
  });

  test.each(MESSAGE_KINDS)("%s by SMS stays under 300 characters with realistic values, and names the clinic", (kind) => {
    const text = renderTemplate(DEFAULT_TEMPLATES[kind].sms.body, sample);
    expect(text.length).toBeLessThan(300);
    expect(text).toContain("Northside Family Practice");
    expect(text).not.toMatch(/\{\{|\}\}/);
  });

  test("the deposit problem links to the card page; visit messages link to the visit", () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.deposit_problem.sms.body, sample)).toContain("https://northside.medslot.example/account/cards");
    expect(renderTemplate(DEFAULT_TEMPLATES.reminder.sms.body, sample)).toContain(sample.appointmentUrl);
    expect(renderTemplate(DEFAULT_TEMPLATES.waitlist_offer.sms.body, sample)).toContain(sample.requestsUrl);
  });

  test("confirmation and reminder emails carry the self check-in link and its QR code", () => {
    for (const kind of ["booking_confirmation", "reminder"] as const) {
      const text = renderTemplate(DEFAULT_TEMPLATES[kind].email.body, sample);
      expect(text).toContain(sample.checkInUrl);
      expect(text).toContain(sample.checkInQrUrl);
    }
  });

  test("the sign-in code keeps the shape phones autofill from", () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.sign_in_code.sms.body, sample)).toBe(
      "123456 is your Northside Family Practice sign-in code. It expires in 10 minutes. Never share it.\n\n@northside.medslot.example #123456",
    );
  });
});

describe("renderTemplate", () => {
  test("fills variables, with or without spaces inside the braces", () => {
    expect(renderTemplate("Hi {{patientName}}, see you {{ date }}.", { patientName: "Ana", date: "Friday" })).toBe("Hi Ana, see you Friday.");
  });

  test("never throws: a missing or unknown variable renders as nothing and the text stays tidy", () => {
    expect(renderTemplate("Hi {{patientName}}, your visit {{nope}} is on {{date}}.", { date: "Friday" })).toBe("Hi, your visit is on Friday.");
    expect(renderTemplate("{{constructor}}{{toString}}", {})).toBe("");
  });

  test("a value is inserted as it is, never read as a template itself", () => {
    expect(renderTemplate("{{patientName}}", { patientName: "{{code}}", code: "999999" })).toBe("{{code}}");
  });
});

describe("templateInputSchema", () => {
  test("refuses an unknown variable and names the ones allowed", () => {
    const result = templateInputSchema("reminder", "sms").safeParse({ body: "See you {{when}}" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ["body"], message: expect.stringContaining("Unknown variable {{when}}") });
    expect(result.error!.issues[0]!.message).toContain("{{date}}");
  });

  test("refuses a variable of another kind (the card link outside a deposit problem)", () => {
    expect(templateInputSchema("reminder", "sms").safeParse({ body: "Update {{cardsUrl}}" }).success).toBe(false);
    expect(templateInputSchema("deposit_problem", "sms").safeParse({ body: "Update {{cardsUrl}}" }).success).toBe(true);
  });

  test("refuses broken braces, empty text, a missing email subject, a sign-in text without the code", () => {
    expect(templateInputSchema("reminder", "sms").safeParse({ body: "See you {{date}" }).success).toBe(false);
    expect(templateInputSchema("reminder", "sms").safeParse({ body: "   " }).success).toBe(false);
    expect(templateInputSchema("reminder", "email").safeParse({ subject: "", body: "Hi" }).success).toBe(false);
    expect(templateInputSchema("sign_in_code", "sms").safeParse({ body: "Your code is here" }).success).toBe(false);
  });

  test("an SMS has no subject; text is trimmed", () => {
    expect(templateInputSchema("reminder", "sms").parse({ subject: null, body: "  See you {{date}}  " })).toEqual({ subject: null, body: "See you {{date}}" });
  });
});
