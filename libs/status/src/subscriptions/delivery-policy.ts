/** Retries back off exponentially from the configured base, capped here. */
export const MAX_RETRY_DELAY_MS = 3_600_000;
/** An unconfirmed address gets at most one confirmation mail per this long. */
export const CONFIRMATION_MAIL_INTERVAL_MS = 10 * 60_000;
/** How long a confirmation link works. */
export const CONFIRMATION_TOKEN_TTL_MS = 48 * 3_600_000;

/** When attempt number `attempts` (1 = the first) having failed, the next one is due. */
export function nextAttemptAt(attempts: number, baseDelayMs: number, now: Date): Date {
  const delay = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}

/** A notification is given up (counted as failed, never silently dropped) after this many attempts. */
export function isGivenUp(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}

/** Whether a subscriber who chose `chosen` (empty = all) hears of an event touching `touched` (empty = the whole page). */
export function subscriberWantsEvent(chosen: readonly string[], touched: readonly string[]): boolean {
  return chosen.length === 0 || touched.length === 0 || touched.some((id) => chosen.includes(id));
}
