/**
 * A gzip file put together from pieces compressed once each: every piece is a raw deflate stream
 * ended by a full flush (so the next piece starts on a fresh block with no back-references), the
 * last one ends the stream, and the gzip trailer carries the CRC-32 and length of the whole text.
 * The result is one ordinary gzip member, readable by any client; a large answer made of cached
 * parts is recompressed only where a part changed.
 */
import zlib from "node:zlib";

const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

/** A piece in the middle of the text. */
export function deflatePiece(text: string): Buffer {
  return zlib.deflateRawSync(text, { finishFlush: zlib.constants.Z_FULL_FLUSH });
}

/** The last piece of the text: it ends the deflate stream. */
export function deflateLastPiece(text: string): Buffer {
  return zlib.deflateRawSync(text);
}

/** The gzip file of `text`, whose pieces, in order, are `pieces` (made by the two functions above). */
export function gzipFromPieces(pieces: readonly Buffer[], text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(bytes) >>> 0, 0);
  trailer.writeUInt32LE(bytes.length % 2 ** 32, 4);
  return Buffer.concat([HEADER, ...pieces, trailer]);
}
