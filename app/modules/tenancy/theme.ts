/** Turns a clinic's two brand colours into CSS variables, choosing a legible text colour. */
function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace("#", ""), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]: [number, number, number]) {
  const c = [r, g, b].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

export function contrastRatio(a: string, b: string) {
  const [l1, l2] = [luminance(hexToRgb(a)), luminance(hexToRgb(b))].sort((x, y) => y - x) as [number, number];
  return (l1 + 0.05) / (l2 + 0.05);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function inkFor(background: string) {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#0f172a") ? "#ffffff" : "#0f172a";
}

/** WCAG AA for normal text: what a button's label needs on the brand colour. */
export const AA_CONTRAST = 4.5;

const toHex = (rgb: number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/**
 * The brand colour as pages paint it: the clinic's own where its ink reads at AA, otherwise
 * darkened (under white ink) or lightened (under dark ink) by the smallest step that does, so a
 * colour picked by eye never leaves a button's label unreadable.
 */
export function legibleBrand(primary: string): string {
  const ink = inkFor(primary);
  if (contrastRatio(primary, ink) >= AA_CONTRAST) return primary;
  const rgb = hexToRgb(primary);
  const towards = ink === "#ffffff" ? 0 : 255;
  for (let step = 1; step <= 50; step++) {
    const candidate = toHex(rgb.map((v) => Math.round(v + (towards - v) * step * 0.02)));
    if (contrastRatio(candidate, ink) >= AA_CONTRAST) return candidate;
  }
  return ink === "#ffffff" ? "#000000" : "#ffffff";
}

export function themeVariables(clinicPrimary: string, accent: string): Record<string, string> {
  const primary = legibleBrand(clinicPrimary);
  const rgb = hexToRgb(primary);
  const soft = rgb.map((v) => Math.round(v + (255 - v) * 0.92)) as [number, number, number];
  return {
    "--brand": rgb.join(" "),
    "--brand-ink": hexToRgb(inkFor(primary)).join(" "),
    "--brand-soft": soft.join(" "),
    "--accent": hexToRgb(accent).join(" "),
  };
}

export const MEDSLOT_THEME = themeVariables("#0f766e", "#f59e0b");
