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

export function themeVariables(primary: string, accent: string): Record<string, string> {
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
