import zlib from "node:zlib";
import { describe, expect, test } from "vitest";
import { deflateLastPiece, deflatePiece, gzipFromPieces } from "./gzip-parts.server";

describe("gzip from pieces", () => {
  test("is one gzip member whose content is the text, whatever the pieces", () => {
    const day = (n: number) => Array.from({ length: 50 }, (_, i) => `{"start":"2026-12-${String(n).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:00:00-05:00","über":"ü"}`).join(",");
    const parts = ['{"slots":[', day(1), ",", day(2), ",", "", day(3), "]}"];
    const text = parts.join("");
    const gz = gzipFromPieces([...parts.slice(0, -1).map(deflatePiece), deflateLastPiece(parts.at(-1)!)], text);
    expect(zlib.gunzipSync(gz).toString("utf8")).toBe(text);
    // A strict reader that stops after the first member still gets everything.
    const inflater = zlib.createGunzip();
    const out: Buffer[] = [];
    inflater.on("data", (c: Buffer) => out.push(c));
    inflater.end(gz);
    return new Promise<void>((resolve) => inflater.on("end", () => (expect(Buffer.concat(out).toString("utf8")).toBe(text), resolve())));
  });

  test("a wrong text gives a gzip whose checksum fails", () => {
    const gz = gzipFromPieces([deflateLastPiece("abc")], "abd");
    expect(() => zlib.gunzipSync(gz)).toThrow();
  });
});
