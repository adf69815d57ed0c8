/**
 * The owner's service form: one zod schema that the page and the action share. It reads the flat
 * form fields (checkboxes named `doctor:<id>` and `location:<id>`, discount rows named
 * `discount.<n>.<field>`) into a service's terms in the clinic's currency, and refuses
 * contradictions with a message for the field that causes them: a deposit above the price (or above
 * the lowest discounted price), an active service nobody can perform, a season without dates, a
 * minimum notice that reaches past the booking horizon.
 */
import { z } from "zod";
import { depositFor, discountedPrice } from "../pricing/price";
import { decimalAmount, parseMoney } from "~/lib/money";
import { addFieldErrors, fieldErrorsOf, type FieldErrors } from "~/lib/form-errors";

export const VISIBILITIES = ["active", "inactive", "seasonal", "internal_only"] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  active: "Active",
  inactive: "Inactive",
  seasonal: "Seasonal",
  internal_only: "Internal only",
};
export const VISIBILITY_HELP: Record<Visibility, string> = {
  active: "Patients can book it on the clinic's site and find it on the marketplace.",
  inactive: "Nobody can book it; it stays in the list for later.",
  seasonal: "Bookable only between the season's first and last day.",
  internal_only: "Only staff (and the clinic's own software) can book it; patients never see it.",
};

export const ROOM_TYPES = ["consultation", "therapy", "private", "equipment"] as const;
export const ROOM_TYPE_LABELS: Record<(typeof ROOM_TYPES)[number], string> = {
  consultation: "Consultation room",
  therapy: "Therapy room",
  private: "Private room",
  equipment: "Equipment room",
};

export const DISCOUNT_KINDS = ["seasonal", "weekday", "off_peak"] as const;
export const DISCOUNT_KIND_LABELS: Record<(typeof DISCOUNT_KINDS)[number], string> = {
  seasonal: "Date range",
  weekday: "Weekdays",
  off_peak: "Off-peak hours",
};

export const START_GRIDS = [5, 10, 15, 20, 30, 45, 60] as const;
export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface DiscountInput {
  kind: (typeof DISCOUNT_KINDS)[number];
  label: string;
  percent: number;
  startsOn: string | null;
  endsOn: string | null;
  weekdays: number[];
  fromMinute: number | null;
  toMinute: number | null;
}

export interface ServiceInput {
  name: string;
  specialty: string | null;
  categoryId: string | null;
  description: string | null;
  durationMin: number;
  priceMinor: number;
  depositKind: "none" | "fixed" | "percent";
  /** Minor units (fixed) or whole percent (percent); 0 for none. */
  depositValue: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  startGridMin: number;
  roomType: (typeof ROOM_TYPES)[number] | null;
  minNoticeMin: number;
  horizonDays: number;
  cancellationWindowMin: number;
  requiresApproval: boolean;
  visibility: Visibility;
  seasonFrom: string | null;
  seasonTo: string | null;
  preparationNotes: string | null;
  /** The reasons a patient may choose from when booking ("Check-up", "Pain"); none asks no choice. */
  visitReasons: string[];
  doctorIds: string[];
  locationIds: string[];
  discounts: DiscountInput[];
}

/** Field name → message, for the form. */
export type { FieldErrors };

/** A short list of reasons for a visit, each short enough for a button and the doctor's day. */
export const VISIT_REASONS_MAX = 8;
export const VISIT_REASON_MAX_LENGTH = 60;

/**
 * The reasons as the owner types them, one per line: blank lines are dropped; too many, a reason
 * too short or too long, or the same reason twice is refused with a message that names it.
 */
export const visitReasonsSchema = z
  .string()
  .transform((v) =>
    v
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/\s+/g, " "))
      .filter((line) => line !== ""),
  )
  .superRefine((reasons, ctx) => {
    if (reasons.length > VISIT_REASONS_MAX) {
      ctx.addIssue({ code: "custom", message: `At most ${VISIT_REASONS_MAX} reasons (there are ${reasons.length}). Keep the ones patients choose most.` });
      return;
    }
    const seen = new Set<string>();
    for (const reason of reasons) {
      if (reason.length < 2) ctx.addIssue({ code: "custom", message: `"${reason}" is too short: give each reason at least 2 characters.` });
      else if (reason.length > VISIT_REASON_MAX_LENGTH) ctx.addIssue({ code: "custom", message: `"${reason.slice(0, 20)}…" is too long: at most ${VISIT_REASON_MAX_LENGTH} characters per reason.` });
      else if (seen.has(reason.toLowerCase())) ctx.addIssue({ code: "custom", message: `"${reason}" is listed twice.` });
      seen.add(reason.toLowerCase());
    }
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** The service form's fields that may hold more than 200 characters, as their maxLength. */
export const SERVICE_FORM_MAX_LENGTHS = { description: 2000, preparationNotes: 2000, visitReasons: VISIT_REASONS_MAX * (VISIT_REASON_MAX_LENGTH + 2) } as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .transform((v) => (v === "" ? null : v));

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${label}.`)
    .regex(/^\d+$/, `${label[0]!.toUpperCase()}${label.slice(1)} must be a whole number.`)
    .transform(Number)
    .pipe(z.number().min(min, `${label[0]!.toUpperCase()}${label.slice(1)} must be at least ${min}.`).max(max, `${label[0]!.toUpperCase()}${label.slice(1)} must be at most ${max}.`));

const validDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === "" || validDate(v), "Enter a date as YYYY-MM-DD.")
  .transform((v) => (v === "" ? null : v));

const optionalTime = z
  .string()
  .trim()
  .refine((v) => v === "" || TIME.test(v), "Enter a time as HH:MM.")
  .transform((v) => (v === "" ? null : Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5))));


const str = (form: Record<string, unknown>, name: string) => {
  const v = form[name];
  return typeof v === "string" ? v : "";
};

const discountSchema = z
  .object({
    kind: z.enum(DISCOUNT_KINDS, { message: "Choose what the discount depends on." }),
    label: z.string().trim().min(1, "Give the discount a name patients will see.").max(60, "At most 60 characters."),
    percent: wholeNumber("the percent", 1, 90),
    startsOn: optionalDate,
    endsOn: optionalDate,
    weekdays: z.array(z.number().int().min(1).max(7)),
    fromMinute: optionalTime,
    toMinute: optionalTime,
  })
  .superRefine((d, ctx) => {
    if (d.kind === "seasonal" && (!d.startsOn || !d.endsOn)) ctx.addIssue({ code: "custom", path: [d.startsOn ? "endsOn" : "startsOn"], message: "A date-range discount needs its first and last day." });
    if (d.startsOn && d.endsOn && d.endsOn < d.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "The last day is before the first day." });
    if (d.kind === "weekday" && d.weekdays.length === 0) ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Tick at least one weekday." });
    if (d.kind === "off_peak" && (d.fromMinute === null || d.toMinute === null)) ctx.addIssue({ code: "custom", path: [d.fromMinute === null ? "fromMinute" : "toMinute"], message: "Off-peak hours need a start and an end time." });
    if ((d.fromMinute === null) !== (d.toMinute === null)) ctx.addIssue({ code: "custom", path: [d.fromMinute === null ? "fromMinute" : "toMinute"], message: "Give both times, or neither." });
    if (d.fromMinute !== null && d.toMinute !== null && d.toMinute <= d.fromMinute) ctx.addIssue({ code: "custom", path: ["toMinute"], message: "The end time must be after the start time." });
  });

function discountRows(form: Record<string, unknown>): { index: number; raw: Record<string, unknown> }[] {
  const indexes = new Set<number>();
  for (const key of Object.keys(form)) {
    const m = /^discount\.(\d{1,2})\./.exec(key);
    if (m) indexes.add(Number(m[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => {
      const f = (name: string) => str(form, `discount.${index}.${name}`);
      return {
        index,
        raw: {
          kind: f("kind"),
          label: f("label"),
          percent: f("percent"),
          startsOn: f("startsOn"),
          endsOn: f("endsOn"),
          weekdays: ISO_WEEKDAYS.filter((d) => str(form, `discount.${index}.weekday.${d}`) !== ""),
          fromMinute: f("fromTime"),
          toMinute: f("toTime"),
        },
      };
    });
}

const checkedIds = (form: Record<string, unknown>, prefix: string) =>
  Object.keys(form)
    .filter((k) => k.startsWith(prefix) && str(form, k) !== "")
    .map((k) => k.slice(prefix.length))
    .filter((id) => UUID.test(id))
    .sort();

const DISCOUNT_FIELD: Record<string, string> = { fromMinute: "fromTime", toMinute: "toTime" };

/** Reads and checks the posted form. The clinic's currency decides how many decimals an amount has. */
export function parseServiceForm(form: Record<string, unknown>, currency: string): { ok: true; value: ServiceInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const base = z
    .object({
      name: z.string().trim().min(2, "Give the service a name (at least 2 characters).").max(120, "At most 120 characters."),
      specialty: text(80),
      categoryId: z
        .string()
        .trim()
        .refine((v) => v === "" || UUID.test(v), "Choose a category from the list.")
        .transform((v) => (v === "" ? null : v)),
      description: text(SERVICE_FORM_MAX_LENGTHS.description),
      durationMin: wholeNumber("the duration", 5, 720),
      bufferBeforeMin: wholeNumber("the buffer before", 0, 240),
      bufferAfterMin: wholeNumber("the buffer after", 0, 240),
      startGridMin: z.coerce.number().refine((v) => (START_GRIDS as readonly number[]).includes(v), "Choose one of the start-time steps."),
      roomType: z.union([z.literal("").transform(() => null), z.enum(ROOM_TYPES, { message: "Choose a room type from the list." })]),
      minNoticeHours: wholeNumber("the minimum notice", 0, 720),
      horizonDays: wholeNumber("the booking horizon", 1, 730),
      cancellationHours: wholeNumber("the cancellation window", 0, 720),
      visibility: z.enum(VISIBILITIES, { message: "Choose who can book the service." }),
      seasonFrom: optionalDate,
      seasonTo: optionalDate,
      preparationNotes: text(SERVICE_FORM_MAX_LENGTHS.preparationNotes),
      visitReasons: visitReasonsSchema,
      depositKind: z.enum(["none", "fixed", "percent"], { message: "Choose a kind of deposit." }),
    })
    .safeParse({
      name: str(form, "name"),
      specialty: str(form, "specialty"),
      categoryId: str(form, "categoryId"),
      description: str(form, "description"),
      durationMin: str(form, "durationMin"),
      bufferBeforeMin: str(form, "bufferBeforeMin"),
      bufferAfterMin: str(form, "bufferAfterMin"),
      startGridMin: str(form, "startGridMin"),
      roomType: str(form, "roomType"),
      minNoticeHours: str(form, "minNoticeHours"),
      horizonDays: str(form, "horizonDays"),
      cancellationHours: str(form, "cancellationHours"),
      visibility: str(form, "visibility"),
      seasonFrom: str(form, "seasonFrom"),
      seasonTo: str(form, "seasonTo"),
      preparationNotes: str(form, "preparationNotes"),
      visitReasons: str(form, "visitReasons"),
      depositKind: str(form, "depositKind"),
    });
  if (!base.success) addFieldErrors(errors, fieldErrorsOf(base.error));

  const priceMinor = parseMoney(str(form, "price"), currency);
  if (priceMinor === null) errors.price = `Enter the price as an amount in ${currency}, like ${decimalAmount(12000, currency)}.`;

  const discounts: DiscountInput[] = [];
  for (const { index, raw } of discountRows(form)) {
    const parsed = discountSchema.safeParse(raw);
    if (parsed.success) discounts.push(parsed.data);
    else addFieldErrors(errors, fieldErrorsOf(parsed.error, (field) => `discount.${index}.${DISCOUNT_FIELD[field] ?? (field === "form" ? "label" : field)}`));
  }
  if (discounts.length > 10) errors.discounts = "At most 10 discounts per service.";

  const doctorIds = checkedIds(form, "doctor:");
  const locationIds = checkedIds(form, "location:");

  if (!base.success || priceMinor === null || Object.keys(errors).length > 0) return { ok: false, errors };
  const b = base.data;

  let depositValue = 0;
  if (b.depositKind === "fixed") {
    const amount = parseMoney(str(form, "depositAmount"), currency);
    if (amount === null || amount <= 0) errors.depositAmount = `Enter the deposit as an amount in ${currency} above zero.`;
    else depositValue = amount;
  } else if (b.depositKind === "percent") {
    const percent = str(form, "depositPercent").trim();
    if (!/^\d{1,3}$/.test(percent) || Number(percent) < 1 || Number(percent) > 100) errors.depositPercent = "Enter a whole percent from 1 to 100.";
    else depositValue = Number(percent);
  }

  if (b.depositKind !== "none" && priceMinor === 0) errors.depositKind = "A free service cannot take a deposit.";
  if (b.depositKind === "fixed" && depositValue > 0 && !errors.depositKind) {
    if (depositValue > priceMinor) errors.depositAmount = "The deposit is more than the price. A deposit is part of the price, so it can be at most the price.";
    else {
      const deepest = Math.max(0, ...discounts.map((d) => d.percent));
      const lowest = discountedPrice(priceMinor, deepest);
      if (depositValue > lowest) errors.depositAmount = `With the ${deepest}% discount the price drops below the deposit. Lower the deposit to at most the discounted price, or use a percent deposit.`;
    }
  }

  const publicOrInternal = b.visibility !== "inactive";
  if (publicOrInternal && doctorIds.length === 0) errors.doctors = `An ${b.visibility === "internal_only" ? "internal" : b.visibility} service needs at least one doctor who can perform it. Tick a doctor, or make the service inactive.`;
  if (publicOrInternal && locationIds.length === 0) errors.locations = "Tick at least one location where the service is offered, or make the service inactive.";

  if (b.visibility === "seasonal" && (!b.seasonFrom || !b.seasonTo)) errors[b.seasonFrom ? "seasonTo" : "seasonFrom"] = "A seasonal service needs its season's first and last day.";
  if (b.seasonFrom && b.seasonTo && b.seasonTo < b.seasonFrom) errors.seasonTo = "The season ends before it starts.";

  const minNoticeMin = b.minNoticeHours * 60;
  if (minNoticeMin >= b.horizonDays * 1440) errors.minNoticeHours = "The minimum notice reaches past the booking horizon, so no time could ever be booked.";
  if (b.bufferBeforeMin + b.durationMin + b.bufferAfterMin > 720) errors.durationMin = "Duration and buffers together must fit in 12 hours.";

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: b.name,
      specialty: b.specialty,
      categoryId: b.categoryId,
      description: b.description,
      durationMin: b.durationMin,
      priceMinor,
      depositKind: b.depositKind,
      depositValue,
      bufferBeforeMin: b.bufferBeforeMin,
      bufferAfterMin: b.bufferAfterMin,
      startGridMin: b.startGridMin,
      roomType: b.roomType,
      minNoticeMin,
      horizonDays: b.horizonDays,
      cancellationWindowMin: b.cancellationHours * 60,
      requiresApproval: str(form, "requiresApproval") !== "",
      visibility: b.visibility,
      seasonFrom: b.seasonFrom,
      seasonTo: b.seasonTo,
      preparationNotes: b.preparationNotes,
      visitReasons: b.visitReasons,
      doctorIds,
      locationIds,
      discounts,
    },
  };
}

/** What the deposit comes to at the list price and under each discount: the figures the form shows. */
export function depositPreview(priceMinor: number, kind: "none" | "fixed" | "percent", value: number, discounts: { label: string; percent: number }[]) {
  const at = (price: number) => ({ priceMinor: price, depositMinor: depositFor(price, kind, value), remainderMinor: price - depositFor(price, kind, value) });
  return {
    list: at(priceMinor),
    discounted: discounts.filter((d) => d.percent > 0 && d.percent <= 100).map((d) => ({ label: d.label, percent: d.percent, ...at(discountedPrice(priceMinor, d.percent)) })),
  };
}
