/** The fields that describe a family member, shared by the family page and the booking review. */
import { RELATIONSHIP_OPTIONS } from "~/modules/patient-account/relationships";


export type PersonFieldName = "firstName" | "lastName" | "relationship" | "dateOfBirth";
export type PersonValues = Partial<Record<PersonFieldName, string>>;
export type PersonErrors = Partial<Record<PersonFieldName, string>>;

/**
 * One labelled input with its message tied to it (aria-describedby), so a screen reader reads the
 * problem with the field.
 */
export function TextField({
  id,
  name,
  label,
  type = "text",
  defaultValue,
  error,
  autoComplete,
  hint,
}: {
  id: string;
  name: string;
  label: string;
  type?: "text" | "date" | "email";
  defaultValue?: string;
  error?: string;
  autoComplete?: string;
  hint?: string;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="field-input min-h-12"
      />
      {error ? (
        <p id={`${id}-error`} className="field-error" data-testid={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function PersonFields({ idPrefix, values = {}, errors = {} }: { idPrefix: string; values?: PersonValues; errors?: PersonErrors }) {
  const id = (f: string) => `${idPrefix}-${f}`;
  const relError = errors.relationship;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField id={id("first")} name="firstName" label="First name" defaultValue={values.firstName} error={errors.firstName} autoComplete="off" />
      <TextField id={id("last")} name="lastName" label="Last name" defaultValue={values.lastName} error={errors.lastName} autoComplete="off" />
      <div>
        <label htmlFor={id("relationship")} className="field-label">
          Relationship to you
        </label>
        <select
          id={id("relationship")}
          name="relationship"
          defaultValue={values.relationship ?? ""}
          aria-invalid={relError ? true : undefined}
          aria-describedby={relError ? `${id("relationship")}-error` : undefined}
          className="field-input min-h-12"
        >
          <option value="" disabled>
            Choose…
          </option>
          {RELATIONSHIP_OPTIONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        {relError ? (
          <p id={`${id("relationship")}-error`} className="field-error" data-testid="relationship-error">
            {relError}
          </p>
        ) : null}
      </div>
      <TextField id={id("dob")} name="dateOfBirth" label="Date of birth" type="date" defaultValue={values.dateOfBirth} error={errors.dateOfBirth} autoComplete="off" />
    </div>
  );
}
