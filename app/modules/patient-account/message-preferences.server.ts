import type { ClinicDb, Db, ScopedDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { recordAudit, type AuditRequestContext } from "../audit/audit.server";
import { messagePreferencesSchema, type MessagePreferences } from "./message-preferences";

/** How the patient wants clinic messages: SMS, email, both or neither (sign-in codes always come by SMS). */

export interface MessagePreferencesView extends MessagePreferences {
  /** Email messages need an address; the form says so when there is none. */
  hasEmail: boolean;
}

/**
 * `db` is the clinic's handle on its site, null on the marketplace; `accounts` is the root database,
 * used only for the platform's scope on the marketplace.
 */
function scoped(db: ClinicDb | null, accounts: Db): ScopedDb {
  return db ?? accounts.forPlatform();
}

export async function readMessagePreferences(db: ClinicDb | null, accounts: Db, patientAccountId: string): Promise<MessagePreferencesView> {
  const p = await scoped(db, accounts).tx((tx) =>
    tx.patientAccount.findUniqueOrThrow({ where: { id: patientAccountId }, select: { smsMessages: true, emailMessages: true, email: true } }),
  );
  return { smsMessages: p.smsMessages, emailMessages: p.emailMessages, hasEmail: Boolean(p.email) };
}

/** Validates the posted form and saves both choices and the audit entry in one transaction. */
export async function saveMessagePreferences(
  db: ClinicDb | null,
  accounts: Db,
  patientAccountId: string,
  input: Record<string, unknown>,
  audit: AuditRequestContext | null,
): Promise<MessagePreferences> {
  const parsed = messagePreferencesSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("These choices could not be read.", fieldErrorsFromZod(parsed.error));
  const prefs = parsed.data;
  await scoped(db, accounts).tx(async (tx) => {
    await tx.patientAccount.update({ where: { id: patientAccountId }, data: prefs });
    await recordAudit(tx, {
      clinicId: db?.clinicId ?? null,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.message_preferences_updated",
      target: { type: "patient_account", id: patientAccountId },
      request: audit,
      details: prefs,
    });
  });
  return prefs;
}
