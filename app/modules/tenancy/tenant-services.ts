/** A clinic definition's services: categories, prices, deposits, discounts and seasons. */
import { z } from "zod";
import { amount, before, DEPOSIT_KINDS, DISCOUNT_KINDS, email, key, kindOf, localDate, oneOf, ROOM_TYPES, section, SERVICE_VISIBILITIES, text, time, whole, yesNo } from "./tenant-fields";

export const serviceCategorySchema = z.strictObject({ key: key("primary-care"), name: text(120) }, section());

const depositSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("none"), value: z.literal(0, "must be 0 (or left out) when there is no deposit").optional() }),
    /** An amount in major units, part of the (discounted) price. */
    z.strictObject({ kind: z.literal("fixed"), value: amount.positive("must be more than 0") }),
    /** Whole percent of the discounted price. */
    z.strictObject({ kind: z.literal("percent"), value: whole(1, 100, "%") }),
  ],
  { error: kindOf(DEPOSIT_KINDS) },
);

/** ISO weekday, 1 (Monday) … 7 (Sunday), as the database keeps it. */
const isoWeekday = whole(1, 7);

const discountSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .strictObject({ kind: z.literal("seasonal"), label: text(80), percent: whole(1, 90, "%"), startsOn: localDate, endsOn: localDate })
      .refine((d) => d.startsOn <= d.endsOn, { message: "must not be before startsOn", path: ["endsOn"] }),
    z.strictObject({
      kind: z.literal("weekday"),
      label: text(80),
      percent: whole(1, 90, "%"),
      weekdays: z
        .array(isoWeekday, section("a list of ISO weekdays such as [2, 3] (1 is Monday, 7 is Sunday)"))
        .min(1, "must list at least one weekday")
        .refine((days) => new Set(days).size === days.length, "must not repeat a weekday"),
    }),
    z
      .strictObject({ kind: z.literal("off_peak"), label: text(80), percent: whole(1, 90, "%"), from: time, to: time })
      .refine((d) => before(d.from, d.to), { message: "must be later than from", path: ["to"] }),
  ],
  { error: kindOf(DISCOUNT_KINDS) },
);

const seasonSchema = z
  .strictObject({ startsOn: localDate, endsOn: localDate }, section('an object such as {"startsOn": "2026-09-01", "endsOn": "2027-03-31"}'))
  .refine((d) => d.startsOn <= d.endsOn, { message: "must not be before startsOn", path: ["endsOn"] });

export const serviceSchema = z
  .strictObject(
    {
      /** Identifies the service across imports: renaming it keeps its bookings and links. */
      key: key("annual-physical"),
      category: key("primary-care").optional(),
      name: text(120),
      description: text(2000).optional(),
      specialty: text(120).optional(),
      durationMin: whole(5, 720, " minutes"),
      /** Major units of the clinic's currency. */
      price: amount,
      deposit: depositSchema.default({ kind: "none" }),
      discounts: z.array(discountSchema, section("a list of discounts")).default([]),
      bufferBeforeMin: whole(0, 240, " minutes").default(0),
      bufferAfterMin: whole(0, 240, " minutes").default(0),
      /** Starts fall on this grid, counted in local wall time from midnight. */
      startGridMin: whole(5, 240, " minutes").default(15),
      roomType: oneOf(ROOM_TYPES).optional(),
      minNoticeMin: whole(0, 43_200, " minutes").default(120),
      horizonDays: whole(1, 730, " days").default(60),
      cancellationWindowHours: whole(0, 720, " hours").default(48),
      requiresApproval: yesNo.default(false),
      visibility: oneOf(SERVICE_VISIBILITIES).default("active"),
      /** Local dates (inclusive) a seasonal service is offered; only for visibility "seasonal". */
      season: seasonSchema.optional(),
      preparationNotes: text(2000).optional(),
      /** The reasons a patient may choose when booking ("Check-up", "Pain"); at most 8. */
      visitReasons: z
        .array(text(60).pipe(z.string().min(2, "must be at least 2 characters")), section("a list of reasons"))
        .max(8, "must list at most 8 reasons")
        .refine((list) => new Set(list.map((r) => r.toLowerCase())).size === list.length, "must not repeat a reason")
        .optional(),
      doctors: z
        .array(email, section("a list of staff emails"))
        .min(1, "must list at least one doctor")
        .refine((list) => new Set(list).size === list.length, "must not repeat a doctor"),
      locations: z
        .array(key("harlem"), section("a list of location keys"))
        .min(1, "must list at least one location")
        .refine((list) => new Set(list).size === list.length, "must not repeat a location"),
    },
    section(),
  )
  .superRefine((service, ctx) => {
    if (service.visibility === "seasonal" && !service.season) {
      ctx.addIssue({ code: "custom", path: ["season"], message: 'is required for a seasonal service: {"startsOn": "…", "endsOn": "…"}' });
    }
    if (service.visibility !== "seasonal" && service.season) {
      ctx.addIssue({ code: "custom", path: ["season"], message: 'only a service with visibility "seasonal" has a season' });
    }
    if (service.deposit.kind === "fixed" && service.deposit.value > service.price) {
      ctx.addIssue({ code: "custom", path: ["deposit", "value"], message: "must not be more than the price" });
    }
  });
