/**
 * The sliding-window counter behind POST /slos/:id/evaluate's limit: the
 * count of the current fixed window plus the previous window's count
 * weighted by how much of it still lies inside the sliding window. Pure, so
 * the arithmetic has a spec; the counts themselves live in PostgreSQL.
 */
export interface RateWindowCounts {
  /** accepted requests in the previous fixed window */
  readonly previous: number;
  /** accepted requests in the current fixed window */
  readonly current: number;
}

/** Start of the fixed window holding `nowMs`. */
export function windowStartOf(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** How much of the previous window still counts, 1 at the window's start, 0 at its end. */
export function previousWeight(nowMs: number, windowMs: number): number {
  return 1 - (nowMs - windowStartOf(nowMs, windowMs)) / windowMs;
}

/** Whether one more request fits: weighted previous + current + 1 ≤ limit. */
export function fitsOneMore(counts: RateWindowCounts, nowMs: number, windowMs: number, limit: number): boolean {
  return counts.previous * previousWeight(nowMs, windowMs) + counts.current + 1 <= limit;
}

/** Whole seconds (≥ 1) until one more request fits, for Retry-After. */
export function retryAfterSeconds(counts: RateWindowCounts, nowMs: number, windowMs: number, limit: number): number {
  const elapsed = nowMs - windowStartOf(nowMs, windowMs);
  let waitMs: number;
  if (counts.current + 1 <= limit) {
    // Within this window, once enough of the previous window has slid out.
    const room = limit - 1 - counts.current;
    waitMs = counts.previous === 0 ? 0 : windowMs * (1 - room / counts.previous) - elapsed;
  } else {
    // In the next window, where this window's count is the previous one.
    const room = limit - 1;
    waitMs = windowMs - elapsed + (counts.current <= room ? 0 : windowMs * (1 - room / counts.current));
  }
  return Math.max(1, Math.ceil(waitMs / 1000));
}
