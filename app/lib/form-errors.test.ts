import { describe, expect, test } from "vitest";
import { z } from "zod";
import { addFieldErrors, fieldErrorsFromList, fieldErrorsOf, firstFieldError, firstMessage, nestedFieldErrorsOf } from "./form-errors";

const form = z
  .object({
    name: z.string().min(1, "Enter a name.").max(5, "At most 5 characters."),
    hours: z.object({ mon: z.array(z.object({ open: z.string().regex(/^\d\d:\d\d$/, "Use HH:MM.") })) }),
  })
  .refine((v) => v.name !== "nope", { message: "That name is taken." });

const errorOf = (input: unknown) => {
  const parsed = form.safeParse(input);
  if (parsed.success) throw new Error("expected the form to be refused");
  return parsed.error;
};

describe("field errors", () => {
  test("the first message per field, a nested issue under its top field, a whole-form issue under 'form'", () => {
    const error = errorOf({ name: "", hours: { mon: [{ open: "9" }, { open: "x" }] } });
    expect(fieldErrorsOf(error)).toEqual({ name: "Enter a name.", hours: "Use HH:MM." });
    expect(fieldErrorsOf(errorOf({ name: "nope", hours: { mon: [] } }))).toEqual({ form: "That name is taken." });
  });

  test("a row's fields under the row's own keys", () => {
    const error = errorOf({ name: "", hours: { mon: [] } });
    expect(fieldErrorsOf(error, (field) => `discount.2.${field}`)).toEqual({ "discount.2.name": "Enter a name." });
  });

  test("nested rows keep their full path, so an editor can show the message on the row", () => {
    const error = errorOf({ name: "ok", hours: { mon: [{ open: "09:00" }, { open: "x" }] } });
    expect(nestedFieldErrorsOf(error)).toEqual({ "hours.mon.1.open": "Use HH:MM." });
  });

  test("a domain error's list: first message per path, an empty path for the whole form", () => {
    expect(
      fieldErrorsFromList([
        { path: "phone", message: "Not a number." },
        { path: "phone", message: "Second." },
        { path: "", message: "Something about everything." },
      ]),
    ).toEqual({ phone: "Not a number.", form: "Something about everything." });
  });

  test("adding errors keeps the message a field already has", () => {
    expect(addFieldErrors({ price: "Enter a price." }, { price: "Other.", name: "Enter a name." })).toEqual({ price: "Enter a price.", name: "Enter a name." });
  });

  test("a form that answers in one line gets the first problem and its field", () => {
    const error = errorOf({ name: "toolong", hours: { mon: [] } });
    expect(firstFieldError(error)).toEqual({ field: "name", message: "At most 5 characters." });
    expect(firstMessage(error)).toBe("At most 5 characters.");
  });
});
