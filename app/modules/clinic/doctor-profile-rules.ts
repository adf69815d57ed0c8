/**
 * The rules of what a doctor shows patients: a short biography, the languages they see patients in
 * and a photo. Shared by the panel's forms (checks while choosing a file) and the server (which
 * checks again before saving). Plain module: it runs in the browser too.
 */
import { z } from "zod";
import { MAX_DOCTOR_PHOTO_BYTES } from "~/utils/upload-limits";
import { sniffUploadedLogo, type UploadableLogoType } from "./branding";

export { MAX_DOCTOR_PHOTO_BYTES };

export const MAX_BIO_LENGTH = 1000;
export const MAX_LANGUAGES = 8;
const MAX_LANGUAGE_LENGTH = 40;

/** Offered as suggestions and written the way patients read them; any other language name is kept as typed. */
export const COMMON_LANGUAGES = [
  "Arabic",
  "Bengali",
  "Chinese (Cantonese)",
  "Chinese (Mandarin)",
  "Dutch",
  "English",
  "French",
  "German",
  "Greek",
  "Hebrew",
  "Hindi",
  "Italian",
  "Japanese",
  "Kazakh",
  "Korean",
  "Persian",
  "Polish",
  "Portuguese",
  "Russian",
  "Sign language",
  "Spanish",
  "Tajik",
  "Turkish",
  "Ukrainian",
  "Urdu",
  "Uzbek",
  "Vietnamese",
] as const;

const KNOWN = new Map(COMMON_LANGUAGES.map((l) => [l.toLocaleLowerCase("en"), l as string]));
/** Letters of any script, with spaces, hyphens, apostrophes, dots and brackets between them. */
const LANGUAGE_NAME = /^\p{L}[\p{L}\p{M} .'’()-]*$/u;

/** "english, Spanish ,uzbek" → ["English", "Spanish", "Uzbek"]; repeats dropped. */
export function splitLanguages(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const name = raw.trim().replace(/\s+/g, " ");
    if (!name) continue;
    const key = name.toLocaleLowerCase("en");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(KNOWN.get(key) ?? name);
  }
  return out;
}

const languages = z
  .string()
  .max(MAX_LANGUAGES * (MAX_LANGUAGE_LENGTH + 2), `List at most ${MAX_LANGUAGES} languages.`)
  .transform(splitLanguages)
  .superRefine((list, ctx) => {
    const long = list.find((l) => l.length > MAX_LANGUAGE_LENGTH);
    if (long) return void ctx.addIssue({ code: "custom", message: `“${long.slice(0, 20)}…” is too long for a language name (at most ${MAX_LANGUAGE_LENGTH} characters).` });
    const odd = list.find((l) => !LANGUAGE_NAME.test(l));
    if (odd) return void ctx.addIssue({ code: "custom", message: `“${odd}” is not a language name. Use letters only, such as Spanish, and separate languages with commas.` });
    if (list.length > MAX_LANGUAGES) ctx.addIssue({ code: "custom", message: `List at most ${MAX_LANGUAGES} languages (${list.length} were given).` });
  });

/** What a doctor (or the clinic's owner for them) edits about the doctor's public profile. */
export const doctorProfileForm = z.object({
  bio: z
    .string()
    .trim()
    .max(MAX_BIO_LENGTH, `The introduction can be at most ${MAX_BIO_LENGTH} characters.`)
    .transform((v) => (v === "" ? null : v.replace(/\r\n/g, "\n"))),
  languages,
});

export type DoctorProfileInput = z.input<typeof doctorProfileForm>;

export type PhotoCheck = { ok: true; type: UploadableLogoType } | { ok: false; message: string };

/** Whether a file may become a doctor's photo (by its bytes, not its name), with the reason when it may not. */
export function checkDoctorPhoto(bytes: Uint8Array): PhotoCheck {
  if (bytes.byteLength === 0) return { ok: false, message: "Choose a photo to upload; the file was empty." };
  if (bytes.byteLength > MAX_DOCTOR_PHOTO_BYTES) {
    return { ok: false, message: `The file is ${(bytes.byteLength / (1024 * 1024)).toFixed(1)} MB; a photo may be at most 1 MB. Export it smaller (about 600 pixels square is plenty).` };
  }
  const type = sniffUploadedLogo(bytes);
  if (!type) return { ok: false, message: "This file is not a PNG, JPEG or WebP picture (whatever its name says). Export the photo as JPEG and try again." };
  return { ok: true, type };
}

/** "Dr. Maria Alvarez" → "MA": what shows on the doctor's colour circle when there is no photo. */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{L}/u.test(w) && !/^(dr|mr|ms|mrs|prof)\.?$/i.test(w));
  const picked = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return picked.map((w) => [...w][0]!.toLocaleUpperCase()).join("") || "?";
}
