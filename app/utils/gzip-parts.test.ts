import zlib from "node:zlib";
import { describe, expect, test } from "vitest";
import { gzipFromParts, lastTextPart, plainFromParts, textPart } from "./gzip-parts.server";

describe("gzip from parts", () => {
  test("is one gzip member whose content is the text, whatever the parts", () => {
    const day = (n: number) => Array.from({ length: 50 }, (_, i) => `{"start":"2026-12-${String(n).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:00:00-05:00","über":"ü"}`).join(",");
    const texts = ['{"slots":[', day(1), ",", day(2), ",", "", day(3), "]}"];
    const text = texts.join("");
    const parts = [...texts.slice(0, -1).map(textPart), lastTextPart(texts.at(-1)!)];
    const gz = gzipFromParts(parts);
    expect(zlib.gunzipSync(gz).toString("utf8")).toBe(text);
    expect(plainFromParts(parts).toString("utf8")).toBe(text);
    // A strict reader that stops after the first member still gets everything.
    const inflater = zlib.createGunzip();
    const out: Buffer[] = [];
    inflater.on("data", (c: Buffer) => out.push(c));
    inflater.end(gz);
    return new Promise<void>((resolve) => inflater.on("end", () => (expect(Buffer.concat(out).toString("utf8")).toBe(text), resolve())));
  });

  test("a piece that is not its part's text gives a gzip whose checksum fails", () => {
    const gz = gzipFromParts([{ bytes: Buffer.from("abd"), piece: lastTextPart("abc").piece }]);
    expect(() => zlib.gunzipSync(gz)).toThrow();
  });
});
