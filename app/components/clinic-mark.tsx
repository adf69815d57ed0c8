const HEIGHTS = { sm: "h-8", md: "h-11", lg: "h-16" } as const;

/**
 * A clinic's logo, or its initials on the brand colour when it has none. Logos are usually
 * wordmarks (mark plus name), so they keep their own width; callers show the name beside the
 * initials only (see ClinicBrand).
 */
export function ClinicMark({ name, logoUrl, size = "md", alt = "" }: { name: string; logoUrl: string | null; size?: "sm" | "md" | "lg"; alt?: string }) {
  const box = size === "lg" ? "h-16 w-16 text-xl" : size === "sm" ? "h-8 w-8 text-xs" : "h-11 w-11 text-sm";
  if (logoUrl) {
    return <img src={logoUrl} alt={alt} className={`${HEIGHTS[size]} w-auto max-w-[14rem] shrink-0 object-contain object-left`} />;
  }
  const initials = name
    .split(/\s+/)
    .filter((w) => /^[\p{L}\p{N}]/u.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
  return (
    <span aria-hidden="true" className={`${box} inline-flex shrink-0 items-center justify-center rounded-xl bg-brand font-bold text-brand-ink`}>
      {initials || "+"}
    </span>
  );
}

/** The clinic's logo (named by its alt text), or its initials followed by its name. */
export function ClinicBrand({ name, logoUrl, size = "md", nameClassName = "truncate font-bold tracking-tight text-slate-900" }: { name: string; logoUrl: string | null; size?: "sm" | "md"; nameClassName?: string }) {
  if (logoUrl) return <ClinicMark name={name} logoUrl={logoUrl} size={size} alt={name} />;
  return (
    <span className="flex min-w-0 items-center gap-3">
      <ClinicMark name={name} logoUrl={null} size={size} />
      <span className={nameClassName}>{name}</span>
    </span>
  );
}

export function MedslotMark({ className = "h-8 w-8" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className}>
      <rect width="32" height="32" rx="8" fill="#0f766e" />
      <path d="M9 22V10h3l4 6 4-6h3v12h-3v-7l-4 6-4-6v7z" fill="#fff" />
    </svg>
  );
}
