/** PostgreSQL unique_violation (23505) as raised through TypeORM/pg. */
export function isUniqueViolation(error: unknown, constraintHint?: string): boolean {
  const driverError =
    (error as { driverError?: { code?: string; constraint?: string; detail?: string } })?.driverError ??
    (error as { code?: string; constraint?: string; detail?: string });
  if (driverError?.code !== '23505') return false;
  if (!constraintHint) return true;
  return Boolean(driverError.constraint?.includes(constraintHint) || driverError.detail?.includes(constraintHint));
}
