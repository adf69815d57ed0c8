import { getCountries } from "libphonenumber-js/max";
import { z } from "zod";
import type { ClinicDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { recordAudit, type AuditActor, type AuditRequestContext } from "../audit/audit.server";
import { firstMessage } from "~/lib/form-errors";

/**
 * A clinic's message settings: quiet hours (local wall time, "HH:MM"; both empty switches them off)
 * and when reminders go out (minutes before the visit, at most five, up to 14 days). The owner edits
 * them on /panel/settings.
 */
const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use a 24-hour time such as 21:00.");

export const messageSettingsSchema = z
  .object({
    quietHoursStart: z.union([hhmm, z.literal("")]).nullable(),
    quietHoursEnd: z.union([hhmm, z.literal("")]).nullable(),
    reminderOffsetsMin: z
      .array(z.number().int("Whole minutes only.").min(1, "A reminder comes before the visit.").max(20_160, "At most 14 days before."))
      .max(5, "At most five reminders."),
  })
  .superRefine((v, ctx) => {
    const start = v.quietHoursStart || null;
    const end = v.quietHoursEnd || null;
    if ((start === null) !== (end === null)) ctx.addIssue({ code: "custom", path: [start ? "quietHoursEnd" : "quietHoursStart"], message: "Give both ends of the quiet hours, or neither." });
    else if (start && start === end) ctx.addIssue({ code: "custom", path: ["quietHoursEnd"], message: "Quiet hours must end at another time than they start." });
  });

/** How the settings page writes a reminder's time before the visit. */
export const REMINDER_UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
export type ReminderUnit = keyof typeof REMINDER_UNITS;

/**
 * The reminders form as posted: one value and one unit per reminder row (repeated fields), the
 * quiet hours, and a box that switches them off. Read into `saveMessageSettings`' input; a row that
 * is not a number of minutes, hours or days is refused at `reminderOffsetsMin.<row>`.
 */
const messageSettingsForm = z
  .object({
    offsetValue: z.array(z.string()).default([]),
    offsetUnit: z.array(z.string()).default([]),
    quietHoursOff: z.string().optional(),
    quietHoursStart: z.string().default(""),
    quietHoursEnd: z.string().default(""),
  })
  .transform((form, ctx) => {
    const reminderOffsetsMin: number[] = [];
    form.offsetValue.forEach((value, row) => {
      const amount = Number(value);
      const unit = form.offsetUnit[row];
      if (value.trim() === "" || !Number.isFinite(amount) || unit === undefined || !Object.hasOwn(REMINDER_UNITS, unit)) {
        ctx.addIssue({ code: "custom", path: ["reminderOffsetsMin", row], message: "Write a number and choose minutes, hours or days." });
      } else {
        reminderOffsetsMin.push(Math.round(amount * REMINDER_UNITS[unit as ReminderUnit]));
      }
    });
    const off = form.quietHoursOff === "on";
    return { quietHoursStart: off ? "" : form.quietHoursStart, quietHoursEnd: off ? "" : form.quietHoursEnd, reminderOffsetsMin };
  });

/** The reminders form's fields, read once (`readFormWithLists` with the two row fields as lists). */
export function messageSettingsFromForm(form: Record<string, unknown>): z.input<typeof messageSettingsSchema> {
  const parsed = messageSettingsForm.safeParse(form);
  if (!parsed.success) throw new ValidationError("Some reminders need another look; nothing was saved.", fieldErrorsFromZod(parsed.error));
  return parsed.data;
}

/** The reminders form's fields that repeat, one per row. */
export const MESSAGE_SETTINGS_LISTS = ["offsetValue", "offsetUnit"] as const;

export interface MessageSettings {
  quietHours: { startMin: number; endMin: number } | null;
  reminderOffsetsMin: number[];
}

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export async function readMessageSettings(db: ClinicDb): Promise<MessageSettings> {
  const c = await db.tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: db.clinicId }, select: { quietHoursStartMin: true, quietHoursEndMin: true, reminderOffsetsMin: true } }));
  return {
    quietHours: c.quietHoursStartMin !== null && c.quietHoursEndMin !== null ? { startMin: c.quietHoursStartMin, endMin: c.quietHoursEndMin } : null,
    reminderOffsetsMin: c.reminderOffsetsMin,
  };
}

export async function saveMessageSettings(
  db: ClinicDb,
  input: z.input<typeof messageSettingsSchema>,
  by: { actor: AuditActor; request?: AuditRequestContext | null },
): Promise<MessageSettings> {
  const clinicId = db.clinicId;
  const parsed = messageSettingsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The message settings cannot be saved as they are.", fieldErrorsFromZod(parsed.error));
  const start = parsed.data.quietHoursStart || null;
  const end = parsed.data.quietHoursEnd || null;
  const settings: MessageSettings = {
    quietHours: start && end ? { startMin: toMinutes(start), endMin: toMinutes(end) } : null,
    reminderOffsetsMin: [...new Set(parsed.data.reminderOffsetsMin)].sort((a, b) => b - a),
  };
  await db.tx(async (tx) => {
    await tx.clinic.update({
      where: { id: clinicId },
      data: { quietHoursStartMin: settings.quietHours?.startMin ?? null, quietHoursEndMin: settings.quietHours?.endMin ?? null, reminderOffsetsMin: settings.reminderOffsetsMin },
    });
    await recordAudit(tx, { clinicId, actor: by.actor, action: "settings.reminders_updated", target: { type: "clinic", id: clinicId }, request: by.request ?? null, details: { ...settings } });
  });
  return settings;
}

/**
 * Where the clinic's sign-in codes may be texted besides the countries of its own locations:
 * patients from abroad (a border town, a tourist area). Codes only go to mobile numbers of these
 * countries, so each entry widens what an SMS-pumping attack could spend; the owner lists them.
 */
const knownCountries: ReadonlySet<string> = new Set(getCountries());

export const smsCountriesSchema = z.object({
  countries: z
    .string()
    .max(300, "List at most 50 countries.")
    .transform((v) => [...new Set(v.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))])
    .pipe(
      z
        .array(z.string().refine((c) => knownCountries.has(c), { error: (issue) => `"${String(issue.input)}" is not a country code we know. Use two-letter codes such as US, DE or UZ.` }))
        .max(50, "List at most 50 countries."),
    ),
});

export interface SmsCountries {
  /** The countries of the clinic's locations (always allowed). */
  own: string[];
  /** The extra countries the owner listed. */
  extra: string[];
}

export async function readSmsCountries(db: ClinicDb): Promise<SmsCountries> {
  const c = await db.tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: db.clinicId }, select: { smsCountries: true, locations: { select: { country: true } } } }));
  return { own: [...new Set(c.locations.map((l) => l.country.toUpperCase()))].sort(), extra: c.smsCountries };
}

export async function saveSmsCountries(db: ClinicDb, input: z.input<typeof smsCountriesSchema>, by: { actor: AuditActor; request?: AuditRequestContext | null }): Promise<string[]> {
  const clinicId = db.clinicId;
  const parsed = smsCountriesSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The countries cannot be saved as they are.", [{ path: "countries", message: firstMessage(parsed.error, "Check the list.") }]);
  const countries = parsed.data.countries;
  await db.tx(async (tx) => {
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { smsCountries: true } });
    await tx.clinic.update({ where: { id: clinicId }, data: { smsCountries: countries } });
    await recordAudit(tx, { clinicId, actor: by.actor, action: "settings.sms_countries_updated", target: { type: "clinic", id: clinicId }, request: by.request ?? null, details: { before: before.smsCountries, after: countries } });
  });
  return countries;
}
