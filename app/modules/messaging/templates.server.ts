import type { ClinicDb, Tx } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { recordAudit, type AuditActor, type AuditRequestContext } from "../audit/audit.server";
import { DEFAULT_TEMPLATES, isMessageKind, MESSAGE_CHANNELS, MESSAGE_KINDS, templateInputSchema, type MessageChannel, type MessageKind, type TemplateText } from "./templates";

/**
 * A clinic's templates: its own text where it wrote one, the default otherwise. Saving validates
 * with the same schema a template editor uses (unknown variables are refused); resetting returns
 * to the default. Every change is in the clinic's audit log.
 */

export interface ResolvedTemplate extends TemplateText {
  kind: MessageKind;
  channel: MessageChannel;
  /** True when the clinic wrote this text itself. */
  custom: boolean;
}

/** The text to send: the clinic's template, or the default (always the default without a clinic). */
export async function resolveTemplate(tx: Tx, clinicId: string | null, kind: MessageKind, channel: MessageChannel): Promise<ResolvedTemplate> {
  if (clinicId) {
    const own = await tx.messageTemplate.findUnique({ where: { clinicId_kind_channel: { clinicId, kind, channel } }, select: { subject: true, body: true } });
    if (own) return { kind, channel, subject: own.subject, body: own.body, custom: true };
  }
  const fallback = DEFAULT_TEMPLATES[kind][channel];
  return { kind, channel, subject: fallback.subject, body: fallback.body, custom: false };
}

/** Every kind on both channels, as the clinic would send it now. */
export async function listTemplates(db: ClinicDb): Promise<ResolvedTemplate[]> {
  const own = await db.tx((tx) => tx.messageTemplate.findMany({ where: { clinicId: db.clinicId }, select: { kind: true, channel: true, subject: true, body: true } }));
  const byKey = new Map(own.map((t) => [`${t.kind}:${t.channel}`, t]));
  return MESSAGE_KINDS.flatMap((kind) =>
    MESSAGE_CHANNELS.map((channel) => {
      const t = byKey.get(`${kind}:${channel}`);
      const text = t ?? DEFAULT_TEMPLATES[kind][channel];
      return { kind, channel, subject: text.subject, body: text.body, custom: Boolean(t) };
    }),
  );
}

export interface SaveTemplateInput {
  kind: string;
  channel: string;
  subject?: string | null;
  body: string;
}

export interface TemplateChangeBy {
  actor: AuditActor;
  request?: AuditRequestContext | null;
}

function parseKey(input: { kind: string; channel: string }): { kind: MessageKind; channel: MessageChannel } {
  if (!isMessageKind(input.kind)) throw new ValidationError("There is no such kind of message.", [{ path: "kind", message: `Must be one of ${MESSAGE_KINDS.join(", ")}.` }]);
  if (!(MESSAGE_CHANNELS as readonly string[]).includes(input.channel)) throw new ValidationError("Messages go by SMS or email.", [{ path: "channel", message: "Must be sms or email." }]);
  return { kind: input.kind, channel: input.channel as MessageChannel };
}

/** Saves the clinic's own text for one kind and channel (422 with field errors when invalid). */
export async function saveTemplate(db: ClinicDb, input: SaveTemplateInput, by: TemplateChangeBy): Promise<ResolvedTemplate> {
  const clinicId = db.clinicId;
  const { kind, channel } = parseKey(input);
  const parsed = templateInputSchema(kind, channel).safeParse({ subject: input.subject ?? null, body: input.body });
  if (!parsed.success) throw new ValidationError("The template cannot be saved as it is.", fieldErrorsFromZod(parsed.error));
  const { subject, body } = parsed.data;
  return db.tx(async (tx) => {
    const updatedBy = by.actor.id ? `${by.actor.type}:${by.actor.id}` : by.actor.type;
    await tx.messageTemplate.upsert({
      where: { clinicId_kind_channel: { clinicId, kind, channel } },
      create: { clinicId, kind, channel, subject, body, updatedBy },
      update: { subject, body, updatedBy },
    });
    await recordAudit(tx, { clinicId, actor: by.actor, action: "message_template.saved", target: { type: "message_template", id: `${kind}:${channel}` }, request: by.request ?? null });
    return { kind, channel, subject, body, custom: true };
  });
}

/** Goes back to the default text. Resetting a template that is already the default changes nothing. */
export async function resetTemplate(db: ClinicDb, key: { kind: string; channel: string }, by: TemplateChangeBy): Promise<ResolvedTemplate> {
  const clinicId = db.clinicId;
  const { kind, channel } = parseKey(key);
  return db.tx(async (tx) => {
    const removed = await tx.messageTemplate.deleteMany({ where: { clinicId, kind, channel } });
    if (removed.count > 0) {
      await recordAudit(tx, { clinicId, actor: by.actor, action: "message_template.reset", target: { type: "message_template", id: `${kind}:${channel}` }, request: by.request ?? null });
    }
    return resolveTemplate(tx, clinicId, kind, channel);
  });
}
