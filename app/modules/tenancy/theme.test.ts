import { describe, expect, test } from "vitest";
import { AA_CONTRAST, contrastRatio, inkFor, legibleBrand, themeVariables } from "./theme";

describe("legibleBrand", () => {
  test("a brand colour whose ink already reads at AA is left as the clinic chose it", () => {
    expect(legibleBrand("#0f766e")).toBe("#0f766e");
    expect(legibleBrand("#fde68a")).toBe("#fde68a");
  });

  test("an orange where neither white nor dark text reaches 4.5:1 is darkened just enough", () => {
    expect(contrastRatio("#c75424", inkFor("#c75424"))).toBeLessThan(AA_CONTRAST);
    const shown = legibleBrand("#c75424");
    expect(shown).not.toBe("#c75424");
    expect(contrastRatio(shown, inkFor(shown))).toBeGreaterThanOrEqual(AA_CONTRAST);
    // A step, not a different colour: still within a few percent of the clinic's own.
    expect(contrastRatio(shown, "#c75424")).toBeLessThan(1.2);
  });

  test("every grey from black to white comes out readable", () => {
    for (let v = 0; v <= 255; v += 5) {
      const hex = `#${v.toString(16).padStart(2, "0").repeat(3)}`;
      const shown = legibleBrand(hex);
      expect(contrastRatio(shown, inkFor(shown)), hex).toBeGreaterThanOrEqual(AA_CONTRAST);
    }
  });

  test("the page's variables use the readable colour and its ink", () => {
    const vars = themeVariables("#c75424", "#f59e0b");
    const shown = legibleBrand("#c75424");
    const rgb = [1, 3, 5].map((i) => Number.parseInt(shown.slice(i, i + 2), 16)).join(" ");
    expect(vars["--brand"]).toBe(rgb);
    expect(vars["--brand-ink"]).toBe("255 255 255");
  });
});
