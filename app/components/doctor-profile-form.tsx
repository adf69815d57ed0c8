/**
 * The forms for what a doctor shows patients (introduction, languages, photo), on the doctor's own
 * profile page and, for each doctor, on the owner's staff page. The page's action answers with the
 * intent, a message and a message per field; a photo is checked in the browser first (type and size)
 * so a wrong file is never sent, and the server checks it again.
 */
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { MAX_BIO_LENGTH, MAX_DOCTOR_PHOTO_BYTES, MAX_LANGUAGES, checkDoctorPhoto } from "~/modules/clinic/doctor-profile-rules";
import { DoctorAvatar } from "./doctor-avatar";
import { AnswerLine, SubmitButton, TextAreaField, TextField, type SetupAnswerView } from "./owner/setup-form";

export const DOCTOR_PROFILE_INTENTS = ["doctor-profile", "doctor-photo", "remove-doctor-photo"] as const;

export interface DoctorProfileFormAnswer extends SetupAnswerView {
  /** What was typed, to fill the form again after a refusal. */
  values?: { bio?: string; languages?: string };
}

export interface DoctorProfileFormView {
  name: string;
  initials: string;
  bio: string | null;
  languages: string[];
  photoUrl: string | null;
}

export function DoctorProfileForms({ profile, answer, idPrefix, staffUserId, publicUrl }: { profile: DoctorProfileFormView; answer: DoctorProfileFormAnswer | undefined; idPrefix: string; staffUserId?: string; publicUrl?: string }) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" && navigation.formData?.get("staffUserId") === (staffUserId ?? null) ? String(navigation.formData?.get("intent") ?? "") : "";
  const textAnswer = answer?.intent === "doctor-profile" ? answer : undefined;
  const photoAnswer = answer && (answer.intent === "doctor-photo" || answer.intent === "remove-doctor-photo") ? answer : undefined;
  const [chosen, setChosen] = useState<{ url: string; problem: string | null } | null>(null);
  useEffect(() => () => (chosen ? URL.revokeObjectURL(chosen.url) : undefined), [chosen]);
  // Once uploaded (or removed), the preview shows the saved photo again.
  useEffect(() => setChosen(null), [profile.photoUrl]);

  async function choose(file: File | undefined) {
    if (!file) return setChosen(null);
    // The first bytes say what the file is; a file over the limit is refused before reading it all.
    const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
    const check = file.size > MAX_DOCTOR_PHOTO_BYTES ? checkDoctorPhoto(new Uint8Array(file.size)) : checkDoctorPhoto(file.size === 0 ? new Uint8Array() : head);
    setChosen({ url: URL.createObjectURL(file), problem: check.ok ? null : check.message });
  }

  const hidden = staffUserId ? <input type="hidden" name="staffUserId" value={staffUserId} /> : null;
  const failedText = textAnswer && !textAnswer.ok ? textAnswer : undefined;
  const photoError = chosen?.problem ?? (photoAnswer && !photoAnswer.ok ? (photoAnswer.errors.photo ?? photoAnswer.message) : undefined);
  return (
    <div className="space-y-6" data-testid="doctor-profile-forms">
      <Form method="post" className="space-y-4" noValidate key={failedText ? "typed" : `${profile.bio ?? ""}|${profile.languages.join(",")}`}>
        {hidden}
        <AnswerLine answer={textAnswer} testId="doctor-profile-answer" />
        <TextAreaField
          label="Introduction for patients"
          name="bio"
          id={`${idPrefix}-bio`}
          rows={5}
          maxLength={MAX_BIO_LENGTH}
          hint={`Shown on the doctor's page: training, what they treat, how they work. At most ${MAX_BIO_LENGTH} characters; a blank line starts a new paragraph.`}
          defaultValue={failedText?.values?.bio ?? profile.bio ?? ""}
          error={failedText?.errors.bio}
        />
        <TextField
          label="Languages"
          name="languages"
          id={`${idPrefix}-languages`}
          autoComplete="off"
          hint={`The languages patients can be seen in, separated by commas, such as English, Spanish (at most ${MAX_LANGUAGES}).`}
          defaultValue={failedText?.values?.languages ?? profile.languages.join(", ")}
          error={failedText?.errors.languages}
        />
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton value="doctor-profile" busy={submitting === "doctor-profile"} busyText="Saving…">
            Save introduction and languages
          </SubmitButton>
          {publicUrl ? (
            <a href={publicUrl} className="text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4" data-testid="public-page-link">
              See the public page<span className="sr-only"> of {profile.name}</span>
            </a>
          ) : null}
        </div>
      </Form>

      <Form
        method="post"
        encType="multipart/form-data"
        className="space-y-3"
        key={profile.photoUrl ?? "no-photo"}
        onSubmit={(e) => {
          const intent = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
          if (intent === "doctor-photo" && chosen?.problem) e.preventDefault();
        }}
      >
        {hidden}
        <AnswerLine answer={photoAnswer && photoAnswer.ok ? photoAnswer : undefined} testId="doctor-photo-answer" />
        <div className="flex items-center gap-4">
          <DoctorAvatar name={profile.name} initials={profile.initials} photoUrl={chosen && !chosen.problem ? chosen.url : profile.photoUrl} size="md" alt={profile.photoUrl || (chosen && !chosen.problem) ? `Photo of ${profile.name}` : ""} />
          <div className="min-w-0 flex-1">
            <label htmlFor={`${idPrefix}-photo`} className="field-label">
              Photo
            </label>
            <p id={`${idPrefix}-photo-hint`} className="mt-0.5 text-sm text-slate-600">
              PNG, JPEG or WebP, at most 1 MB; a square head-and-shoulders photo reads best. Without one, patients see the initials.
            </p>
            <input
              id={`${idPrefix}-photo`}
              name="photo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:min-h-11 file:rounded-lg file:border file:border-slate-300 file:bg-white file:px-3 file:font-semibold file:text-slate-800"
              aria-invalid={photoError ? true : undefined}
              aria-describedby={`${idPrefix}-photo-hint ${idPrefix}-photo-error`}
              onChange={(e) => void choose(e.target.files?.[0])}
            />
            <p id={`${idPrefix}-photo-error`} className="field-error" role={photoError ? "alert" : undefined}>
              {photoError ?? ""}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap gap-3">
          <SubmitButton value="doctor-photo" busy={submitting === "doctor-photo"} busyText="Uploading…">
            Upload photo
          </SubmitButton>
          {profile.photoUrl ? (
            <SubmitButton value="remove-doctor-photo" tone="secondary" busy={submitting === "remove-doctor-photo"} busyText="Removing…">
              Remove photo
            </SubmitButton>
          ) : null}
        </div>
      </Form>
    </div>
  );
}
