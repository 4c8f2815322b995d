/**
 * Public ids of status components, groups and maintenances: 12 characters of
 * [a-z0-9], like Atlassian Statuspage's, generated server-side. They appear in
 * URLs, badges and incident payloads (`affectedComponents[].componentId`).
 */
export const PUBLIC_ID_LENGTH = 12;
export const PUBLIC_ID_PATTERN = /^[a-z0-9]{12}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function isPublicId(value: unknown): value is string {
  return typeof value === 'string' && PUBLIC_ID_PATTERN.test(value);
}

/**
 * A new id from an unbiased random index source (`crypto.randomInt` in
 * production): 36^12 ≈ 4.7e18 values, so collisions are retried, not feared.
 */
export function generatePublicId(randomIndex: (exclusiveMax: number) => number): string {
  let id = '';
  for (let position = 0; position < PUBLIC_ID_LENGTH; position++) {
    const index = randomIndex(ALPHABET.length);
    if (!Number.isInteger(index) || index < 0 || index >= ALPHABET.length) throw new RangeError(`random index ${index} is outside 0..${ALPHABET.length - 1}`);
    id += ALPHABET[index];
  }
  return id;
}
