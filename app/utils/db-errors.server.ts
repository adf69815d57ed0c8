/**
 * The PostgreSQL SQLSTATE behind an error from Prisma or the pg driver. Prisma's own code (P2010…)
 * sits on the outside; the database's code is in `meta`, `cause` or the driver adapter's error.
 */
export function sqlStateOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (!e || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const inner = visit(o.meta) ?? visit(o.cause) ?? visit(o.driverAdapterError);
    if (inner) return inner;
    for (const key of ["originalCode", "code"]) {
      const value = o[key];
      if (typeof value === "string" && /^[0-9A-Z]{5}$/.test(value) && !/^P[12]\d{3}$/.test(value)) return value;
    }
    return undefined;
  };
  const found = visit(error);
  if (found) return found;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(23P01|23505|40001|40P01)\b/.exec(message)?.[1];
}

/** An exclusion constraint refused the row: for appointments, the time is taken. */
export const isExclusionViolation = (error: unknown) => sqlStateOf(error) === "23P01";
export const isUniqueViolation = (error: unknown) => sqlStateOf(error) === "23505";
