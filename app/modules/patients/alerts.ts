/**
 * Patient alerts in the clinic's words: short flags on a patient's record that staff must see
 * before they act (an allergy, access needs). Plain module: the alert marker renders them in the
 * browser, the server checks the same kinds.
 */
import { z } from "zod";

export const ALERT_KINDS = ["allergy", "access", "medical", "communication", "other"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_WORDS: Record<AlertKind, string> = {
  allergy: "Allergy",
  access: "Access needs",
  medical: "Medical",
  communication: "Communication",
  other: "Other",
};

export const ALERT_TEXT_MAX = 120;

export interface PatientAlert {
  id: string;
  kind: AlertKind;
  text: string;
}

/** One line per alert ("Allergy: penicillin"), for places that show alerts as plain text. */
export const alertLine = (a: Pick<PatientAlert, "kind" | "text">) => `${ALERT_KIND_WORDS[a.kind]}: ${a.text}`;

export const isAlertKind = (value: string): value is AlertKind => (ALERT_KINDS as readonly string[]).includes(value);

export const alertInputSchema = z.object({
  kind: z.enum(ALERT_KINDS, { error: "Choose what kind of alert it is." }),
  text: z.string().trim().min(2, "Write the alert (at least 2 characters).").max(ALERT_TEXT_MAX, `At most ${ALERT_TEXT_MAX} characters.`),
});
