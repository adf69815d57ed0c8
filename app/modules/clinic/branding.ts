/**
 * The rules of a clinic's profile and branding, shared by the owner's form (live preview and
 * messages while typing) and the server (which checks again before saving). Plain module: it runs
 * in the browser too, so it keeps to zod and the colour maths.
 */
import { z } from "zod";
import { contrastRatio } from "~/modules/tenancy/theme";
import { MAX_UPLOADED_LOGO_BYTES } from "~/utils/upload-limits";

/** WCAG AA for normal-size text. */
export const AA_CONTRAST = 4.5;
const WHITE = "#ffffff";
const INK = "#0f172a";

export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export interface ColourCheck {
  hex: string;
  /** Contrast of white text on the colour. */
  withWhite: number;
  /** Contrast of the darker ink on the colour (what the site uses when it reads better). */
  withInk: number;
  ok: boolean;
  /** Why the colour is refused, in the owner's words; null when it is fine. */
  problem: string | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The primary colour carries white text: the "Book an appointment" button, the panel's buttons,
 * links drawn in the colour on white. It must reach 4.5 : 1 against white or patients with low
 * vision cannot read those.
 */
export function checkPrimaryColour(hex: string): ColourCheck {
  if (!HEX_COLOUR.test(hex))
    return {
      hex,
      withWhite: 0,
      withInk: 0,
      ok: false,
      problem: "Use a six-digit hex colour such as #1d4ed8.",
    };
  const withWhite = round2(contrastRatio(hex, WHITE));
  const withInk = round2(contrastRatio(hex, INK));
  const ok = withWhite >= AA_CONTRAST;
  return {
    hex,
    withWhite,
    withInk,
    ok,
    problem: ok ? null : `White text on ${hex} has a contrast of ${withWhite.toFixed(2)} : 1; buttons and links need at least ${AA_CONTRAST} : 1 to be readable. Choose a darker shade.`,
  };
}

/**
 * The accent colour is for highlights drawn with whichever text reads better on it (white or the
 * dark ink), so it must reach 4.5 : 1 with one of the two: very light and very dark accents pass,
 * a mid-tone that neither white nor dark text can be read on is refused.
 */
export function checkAccentColour(hex: string): ColourCheck {
  if (!HEX_COLOUR.test(hex))
    return {
      hex,
      withWhite: 0,
      withInk: 0,
      ok: false,
      problem: "Use a six-digit hex colour such as #f59e0b.",
    };
  const withWhite = round2(contrastRatio(hex, WHITE));
  const withInk = round2(contrastRatio(hex, INK));
  const best = Math.max(withWhite, withInk);
  const ok = best >= AA_CONTRAST;
  return {
    hex,
    withWhite,
    withInk,
    ok,
    problem: ok ? null : `Neither white nor dark text can be read on ${hex} (best ${best.toFixed(2)} : 1, at least ${AA_CONTRAST} : 1 is needed). Choose a lighter or darker shade.`,
  };
}

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .transform((v) => (v === "" ? null : v));

const colour = (check: (hex: string) => ColourCheck) =>
  z
    .string()
    .trim()
    .regex(HEX_COLOUR, "Use a six-digit hex colour such as #1d4ed8.")
    .transform((v) => v.toLowerCase())
    .superRefine((v, ctx) => {
      const result = check(v);
      if (result.problem) ctx.addIssue({ code: "custom", message: result.problem });
    });

/** What the owner edits on the clinic profile page. Contacts are optional; the name is not. */
export const clinicProfileForm = z.object({
  name: z.string().trim().min(2, "The clinic's name needs at least 2 characters.").max(120, "The name can be at most 120 characters."),
  tagline: optionalText(160, "The tagline"),
  description: optionalText(4000, "The description"),
  contactPhone: optionalText(40, "The phone number"),
  contactEmail: optionalText(200, "The email address").refine((v) => v === null || z.email().safeParse(v).success, "Enter an email address such as desk@clinic.example."),
  website: optionalText(300, "The website").refine((v) => v === null || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v), "Enter the full address, starting with https://"),
  colorPrimary: colour(checkPrimaryColour),
  colorAccent: colour(checkAccentColour),
});

export type ClinicProfileInput = z.input<typeof clinicProfileForm>;

export { MAX_UPLOADED_LOGO_BYTES };
export const UPLOADABLE_LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type UploadableLogoType = (typeof UPLOADABLE_LOGO_TYPES)[number];

/**
 * What the bytes are, by their first bytes (the file name and the browser's declared type are
 * ignored: a renamed document is still a document).
 */
export function sniffUploadedLogo(bytes: Uint8Array): UploadableLogoType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  // RIFF....WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

export type LogoCheck = { ok: true; type: UploadableLogoType } | { ok: false; message: string };

/** Whether a file may become the clinic's logo, with the reason in plain words when it may not. */
export function checkUploadedLogo(bytes: Uint8Array): LogoCheck {
  if (bytes.byteLength === 0)
    return {
      ok: false,
      message: "Choose a picture file to upload; the file was empty.",
    };
  if (bytes.byteLength > MAX_UPLOADED_LOGO_BYTES) {
    return {
      ok: false,
      message: `The file is ${(bytes.byteLength / (1024 * 1024)).toFixed(1)} MB; a logo may be at most 1 MB. Export it smaller (about 600 pixels wide is plenty).`,
    };
  }
  const type = sniffUploadedLogo(bytes);
  if (!type)
    return {
      ok: false,
      message: "This file is not a PNG, JPEG or WebP picture (whatever its name says). Export the logo as PNG and try again.",
    };
  return { ok: true, type };
}

/** The clinic's default cancellation window: 0 (cancel any time before the visit) up to 14 days, in whole hours. */
export const MAX_CANCELLATION_WINDOW_HOURS = 14 * 24;
