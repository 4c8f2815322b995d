/** Human incident references: `INC-42`. Numbers are positive integers, allocated by the database. */

const REFERENCE_PATTERN = /^#?INC-(\d{1,15})$/i;

export function formatIncidentReference(number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new RangeError(`incident number must be a positive integer, got ${number}`);
  }
  return `INC-${number}`;
}

/**
 * Parses `INC-42` (any case, optional leading `#`, surrounding blanks ignored)
 * or a bare `42` into 42; anything else (including `INC-0`, `INC-042`) is null,
 * so one incident has exactly one spelling.
 */
export function parseIncidentReference(text: string): number | null {
  const trimmed = text.trim();
  const digits = REFERENCE_PATTERN.exec(trimmed)?.[1] ?? (/^\d{1,15}$/.test(trimmed) ? trimmed : null);
  if (digits === null || digits.startsWith('0')) return null;
  const number = Number(digits);
  return Number.isSafeInteger(number) ? number : null;
}
