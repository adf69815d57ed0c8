import type { Config } from "tailwindcss";

// Clinic branding arrives as CSS variables set by root.tsx from the clinic's colors, so one
// stylesheet serves every clinic.
export default {
  content: ["./app/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: {
          DEFAULT: "rgb(var(--brand) / <alpha-value>)",
          ink: "rgb(var(--brand-ink) / <alpha-value>)",
          soft: "rgb(var(--brand-soft) / <alpha-value>)",
          accent: "rgb(var(--accent) / <alpha-value>)",
        },
      },
      fontFamily: {
        sans: ["Inter", "ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
      },
    },
  },
  plugins: [],
} satisfies Config;
