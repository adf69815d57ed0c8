/**
 * Reading an HTML form post. `request.formData()` throws a TypeError for any other body (JSON,
 * plain text, a broken multipart upload), which would surface as a 500; here it is a short,
 * plain 415 or 400 answer instead, thrown as a Response so actions stop where they are.
 */

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** The posted fields (for a repeated name, the last value wins). */
export async function readForm(request: Request): Promise<Record<string, FormDataEntryValue>> {
  return Object.fromEntries(await readFormData(request));
}

/**
 * The posted fields, with the names in `lists` kept as arrays of every value (checkbox groups);
 * the other names as in `readForm`.
 */
export async function readFormWithLists(request: Request, lists: readonly string[]): Promise<Record<string, FormDataEntryValue | FormDataEntryValue[]>> {
  const form = await readFormData(request);
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = Object.fromEntries(form);
  for (const name of lists) out[name] = form.getAll(name);
  return out;
}

/** The posted body as FormData, or a plain 415/400 answer thrown as a Response. */
export async function readFormData(request: Request): Promise<FormData> {
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.has(mediaType)) {
    throw plain(415, "Send this form as application/x-www-form-urlencoded or multipart/form-data.");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw plain(400, "The form could not be read. Reload the page and try again.");
  }
  return form;
}

// ---------------------------------------------------------------------------------------------
// Putting submitted values back into a page

/** How much of a submitted value an answer shows again when the field sets no limit of its own. */
export const ECHO_MAX_LENGTH = 200;
/** How many fields of one form an answer puts back (a 64 KB form may send thousands of tiny ones). */
const ECHO_MAX_FIELDS = 100;

/**
 * A submitted value as an answer may show it again, in the form or in a message: text only, at
 * most `max` characters (the field's own maxLength where it allows more than 200). A form body
 * may hold 64 KB; the page that answers it must not repeat all of it, twice over with hydration.
 */
export function echoValue(value: unknown, max: number = ECHO_MAX_LENGTH): string {
  if (typeof value !== "string") return "";
  if (value.length <= max) return value;
  // Never end on the first half of a surrogate pair (an emoji cut in two).
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * The text fields of a posted form as an answer may put them back: names and values cut by
 * echoValue, at most 100 fields. `maxLengths` names the fields allowed more than 200 characters.
 */
export function echoFields(form: Record<string, unknown>, maxLengths: Record<string, number> = {}): Record<string, string> {
  const fields: [string, string][] = [];
  for (const [name, value] of Object.entries(form)) {
    if (typeof value !== "string") continue;
    if (fields.length === ECHO_MAX_FIELDS) break;
    fields.push([echoValue(name), echoValue(value, Object.hasOwn(maxLengths, name) ? maxLengths[name] : ECHO_MAX_LENGTH)]);
  }
  return Object.fromEntries(fields);
}
