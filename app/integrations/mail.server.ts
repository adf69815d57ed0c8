/** The only file that talks to an SMTP server. */
export interface MailConfig {
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465 */
  url: string;
  from: string;
}

export interface EmailSender {
  send(message: { to: string; subject: string; text: string; html?: string }): Promise<{ providerId: string }>;
}

/**
 * The email sender. nodemailer is loaded here, not at import, so a server without SMTP never
 * loads it; one that has SMTP creates the sender at start-up (messenger.server.ts).
 */
export async function createSmtpMail(config: MailConfig): Promise<EmailSender> {
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport(config.url);
  return {
    async send({ to, subject, text, html }) {
      const info = await transport.sendMail({ from: config.from, to, subject, text, ...(html ? { html } : {}) });
      return { providerId: info.messageId };
    },
  };
}
