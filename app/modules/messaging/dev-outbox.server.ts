import type { Db } from "~/utils/db.server";

/**
 * Where SMS and email go when no provider is configured (the embedded default). Kept in the
 * database so every server process, and the end-to-end tests, see the same list on /dev/outbox.
 */
export type OutboxChannel = "sms" | "email";

export interface OutboxMessage {
  id: string;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
  purpose: string;
  clinicSlug: string | null;
  createdAt: Date;
}

export async function keepInDevOutbox(
  db: Db,
  message: { channel: OutboxChannel; recipient: string; subject?: string | null; body: string; purpose: string; clinicId: string | null },
): Promise<string> {
  const row = await db.system("development outbox").tx((tx) =>
    tx.devOutboxMessage.create({
      data: { channel: message.channel, recipient: message.recipient, subject: message.subject ?? null, body: message.body, purpose: message.purpose, clinicRef: message.clinicId },
      select: { id: true },
    }),
  );
  return row.id;
}

export async function listDevOutbox(db: Db, opts: { to?: string | null; limit?: number } = {}): Promise<OutboxMessage[]> {
  return db.system("development outbox").tx(async (tx) => {
    const to = opts.to?.trim();
    const rows = await tx.devOutboxMessage.findMany({
      // A recipient filter matches the exact address or number, ignoring spaces and case.
      where: to ? { OR: recipientVariants(to).map((r) => ({ recipient: { equals: r, mode: "insensitive" as const } })) } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit ?? 100,
    });
    const clinicIds = [...new Set(rows.map((r) => r.clinicRef).filter((x): x is string => Boolean(x)))];
    const clinics = clinicIds.length ? await tx.clinic.findMany({ where: { id: { in: clinicIds } }, select: { id: true, slug: true } }) : [];
    const slugs = new Map(clinics.map((c) => [c.id, c.slug]));
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel as OutboxChannel,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      purpose: r.purpose,
      clinicSlug: r.clinicRef ? (slugs.get(r.clinicRef) ?? null) : null,
      createdAt: r.createdAt,
    }));
  });
}

function recipientVariants(to: string): string[] {
  const compact = to.replace(/[\s()-]/g, "");
  return /^\+?\d+$/.test(compact) ? [`+${compact.replace(/^\+/, "")}`] : [to.trim()];
}
