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
