import type { EmailMessage } from "~/modules/messaging/messenger.server";
import type { Db } from "~/utils/db.server";

/**
 * The email that tells a staff member someone is guessing their password. Nothing is locked, so
 * there is nothing to undo; it says what happened and what they can do. No link: a message sent
 * because of an attack should not teach anyone to follow links in such messages.
 */
export interface GuessingNotice {
  clinicId: string | null;
  staffUserId: string;
  failures: number;
  networks: number;
}

export async function sendGuessingNotice(db: Db, notice: GuessingNotice, sendEmail: (message: EmailMessage) => Promise<unknown>): Promise<{ sent: boolean }> {
  const scope = notice.clinicId ? db.forClinic(notice.clinicId) : db.forPlatform();
  const found = await scope.tx(async (tx) => ({
    user: await tx.staffUser.findUnique({ where: { id: notice.staffUserId }, select: { email: true, name: true } }),
    clinic: notice.clinicId ? await tx.clinic.findUnique({ where: { id: notice.clinicId }, select: { name: true } }) : null,
  }));
  if (!found.user) return { sent: false };
  const where = found.clinic?.name ?? "Medslot";
  const networks = notice.networks === 1 ? "one network" : `${notice.networks} networks`;
  await sendEmail({
    to: found.user.email,
    subject: `Someone is trying to sign in to your ${where} staff account`,
    text:
      `Hello ${found.user.name},\n\n` +
      `In the last day there were ${notice.failures} sign-in attempts with a wrong password (or code) for your ${where} staff account, from ${networks}.\n\n` +
      `Your account is not locked: you can still sign in as usual. Each network that keeps guessing has to wait longer between tries.\n\n` +
      `If this was you, there is nothing to do. If it wasn't, change your password after signing in and turn on two-step sign-in (an authenticator app) on your account page.\n`,
    clinicId: notice.clinicId,
    purpose: "password-guessing",
  });
  return { sent: true };
}
