/**
 * A doctor's photo, served from the clinic's own host, or their initials on the clinic's colour
 * when there is none. `alt` is empty where the doctor's name is written next to it.
 */
const SIZES = {
  sm: "h-12 w-12 text-base",
  md: "h-16 w-16 text-xl",
  lg: "h-28 w-28 text-3xl sm:h-32 sm:w-32",
} as const;

export function DoctorAvatar({ name, initials, photoUrl, size = "md", alt = "" }: { name: string; initials: string; photoUrl: string | null; size?: keyof typeof SIZES; alt?: string }) {
  const box = `${SIZES[size]} shrink-0 rounded-full`;
  if (photoUrl) {
    // Square photos are cropped to a circle; width and height keep the layout still while it loads.
    return <img src={photoUrl} alt={alt} width={128} height={128} loading="lazy" decoding="async" className={`${box} bg-slate-100 object-cover ring-1 ring-slate-200`} data-testid="doctor-photo" />;
  }
  return (
    <span role={alt ? "img" : undefined} aria-label={alt || undefined} aria-hidden={alt ? undefined : true} title={alt ? undefined : name} className={`${box} flex items-center justify-center bg-brand font-bold text-brand-ink`} data-testid="doctor-initials">
      {initials}
    </span>
  );
}
