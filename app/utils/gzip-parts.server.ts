/**
 * A gzip file put together from parts compressed once each: every part's piece is a raw deflate
 * stream ended by a full flush (so the next piece starts on a fresh block with no back-references),
 * the last one ends the stream, and the gzip trailer carries the CRC-32 and length of the whole
 * text, run over each part's bytes in turn. The result is one ordinary gzip member, readable by any
 * client; a large answer made of cached parts is recompressed only where a part changed, and its
 * whole text is never put together unless a client wants it uncompressed.
 */
import zlib from "node:zlib";

const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

/** Some text as UTF-8 bytes and as its deflated piece. */
export interface TextPart {
  readonly bytes: Buffer;
  readonly piece: Buffer;
}

/** A part in the middle of the text. */
export function textPart(text: string): TextPart {
  return { bytes: Buffer.from(text, "utf8"), piece: zlib.deflateRawSync(text, { finishFlush: zlib.constants.Z_FULL_FLUSH }) };
}

/** The last part of the text: its piece ends the deflate stream. */
export function lastTextPart(text: string): TextPart {
  return { bytes: Buffer.from(text, "utf8"), piece: zlib.deflateRawSync(text) };
}

/** The gzip file of the parts' text, in order (the last made by lastTextPart). */
export function gzipFromParts(parts: readonly TextPart[]): Buffer {
  let crc = 0;
  let length = 0;
  for (const part of parts) {
    crc = zlib.crc32(part.bytes, crc);
    length += part.bytes.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  return Buffer.concat([HEADER, ...parts.map((p) => p.piece), trailer]);
}

/** The parts' text, uncompressed. */
export function plainFromParts(parts: readonly TextPart[]): Buffer {
  return Buffer.concat(parts.map((p) => p.bytes));
}
