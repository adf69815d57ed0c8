/**
 * Papers a clinic hands in for onboarding: its licence, its insurance, anything else the platform
 * asks for. PDF, PNG or JPEG, at most 5 MB, recognised by the file's first bytes (a name or a
 * browser's type can say anything). The platform operator verifies or rejects each one
 * (app/modules/platform/onboarding.server.ts); the owner uploads, lists and deletes them.
 */
import { z } from "zod";
import type { ClinicDocumentKind, ClinicDocumentStatus } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ClinicDb } from "~/utils/db.server";
import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES } from "./onboarding-words";
import type { StaffActor, StaffAnswer } from "./staff-members.server";

export { MAX_DOCUMENT_BYTES };

export type DocumentType = "application/pdf" | "image/png" | "image/jpeg";

/** The file's real type from its first bytes, or null for anything else. */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (bytes.length >= 5 && starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf"; // %PDF-
  if (bytes.length >= 8 && starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (bytes.length >= 3 && starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  return null;
}

export const documentForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("upload"),
    kind: z.enum(DOCUMENT_KINDS, { error: "Choose what kind of document this is." }),
    title: z.string().trim().max(120, "Use at most 120 characters.").optional(),
  }),
  z.object({ intent: z.literal("delete"), documentId: z.string({ error: "Choose a document." }).uuid("Choose a document.") }),
]);

export interface ClinicDocumentSummary {
  id: string;
  kind: ClinicDocumentKind;
  title: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  status: ClinicDocumentStatus;
  reviewReason: string | null;
  reviewedAt: string | null;
  createdAt: string;
}

const summarySelect = { id: true, kind: true, title: true, fileName: true, contentType: true, sizeBytes: true, status: true, reviewReason: true, reviewedAt: true, createdAt: true } as const;

type SummaryRow = Omit<ClinicDocumentSummary, "reviewedAt" | "createdAt"> & { reviewedAt: Date | null; createdAt: Date };

export function toSummary(r: SummaryRow): ClinicDocumentSummary {
  return { ...r, reviewedAt: r.reviewedAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() };
}

export async function listClinicDocuments(db: ClinicDb): Promise<ClinicDocumentSummary[]> {
  const rows = await db.tx((tx) => tx.clinicDocument.findMany({ select: summarySelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }));
  return rows.map(toSummary);
}

/** A file name safe to show and to send back in Content-Disposition. */
function cleanFileName(name: string, type: DocumentType): string {
  const base = name.replace(/^.*[\\/]/, "").replace(/[^\w.\- ()]+/g, "_").trim().slice(0, 150) || "document";
  const ext = type === "application/pdf" ? ".pdf" : type === "image/png" ? ".png" : ".jpg";
  return /\.(pdf|png|jpe?g)$/i.test(base) ? base : `${base}${ext}`;
}

export async function uploadClinicDocument(
  db: ClinicDb,
  input: { kind: ClinicDocumentKind; title?: string; file: { name: string; bytes: Uint8Array } | null },
  actor: StaffActor,
): Promise<StaffAnswer> {
  const clinicId = db.clinicId;
  const file = input.file;
  if (!file || file.bytes.length === 0) return { ok: false, field: "file", message: "Choose a file to upload." };
  if (file.bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, field: "file", message: "The file is larger than 5 MB. Upload a smaller scan or export." };
  const type = sniffDocumentType(file.bytes);
  if (!type) return { ok: false, field: "file", message: "Upload a PDF, PNG or JPEG file. This file is none of those." };
  const fileName = cleanFileName(file.name, type);
  const title = input.title || `${input.kind === "other" ? "Document" : input.kind === "licence" ? "Licence" : "Insurance"} (${fileName})`.slice(0, 120);
  await db.tx(async (tx) => {
    const doc = await tx.clinicDocument.create({
      data: { clinicId, kind: input.kind, title, fileName, contentType: type, sizeBytes: file.bytes.length, data: Buffer.from(file.bytes), uploadedBy: actor.staffUserId },
      select: { id: true },
    });
    await recordAudit(tx, {
      clinicId,
      actor: { type: "staff", id: actor.staffUserId },
      action: "clinic.document_uploaded",
      target: { type: "clinic_document", id: doc.id },
      request: actor.request,
      details: { kind: input.kind, contentType: type, sizeBytes: file.bytes.length },
    });
  });
  return { ok: true, message: `“${title}” is uploaded and waits for review by Medslot.` };
}

export async function deleteClinicDocument(db: ClinicDb, documentId: string, actor: StaffActor): Promise<StaffAnswer> {
  const clinicId = db.clinicId;
  return db.tx(async (tx): Promise<StaffAnswer> => {
    const doc = await tx.clinicDocument.findFirst({ where: { clinicId, id: documentId }, select: { id: true, title: true, kind: true, status: true } });
    if (!doc) return { ok: false, message: "That document does not exist." };
    await tx.clinicDocument.delete({ where: { clinicId_id: { clinicId, id: doc.id } } });
    await recordAudit(tx, { clinicId, actor: { type: "staff", id: actor.staffUserId }, action: "clinic.document_deleted", target: { type: "clinic_document", id: doc.id }, request: actor.request, details: { kind: doc.kind, status: doc.status } });
    return { ok: true, message: `“${doc.title}” is deleted.` };
  });
}

/** The file, in the clinic's own scope (the owner's download). */
export async function getClinicDocumentFile(db: ClinicDb, documentId: string) {
  return db.tx((tx) => tx.clinicDocument.findFirst({ where: { clinicId: db.clinicId, id: documentId }, select: { fileName: true, contentType: true, data: true } }));
}

/** The answer that serves a document's bytes, never rendered inline as anything but itself. */
export function documentResponse(file: { fileName: string; contentType: string; data: Uint8Array }, disposition: "inline" | "attachment"): Response {
  const headers: Record<string, string> = {
    "Content-Type": file.contentType,
    "Content-Disposition": `${disposition}; filename="${file.fileName.replace(/"/g, "")}"`,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
  };
  // Images open as a bare, sandboxed document; a sandbox would stop the browser's PDF viewer, so
  // PDFs (their bytes checked to be a PDF, sent with their exact type) are left to that viewer.
  if (file.contentType !== "application/pdf") headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox";
  return new Response(Buffer.from(file.data), { headers });
}
