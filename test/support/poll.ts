/**
 * The one polling helper of the tests, in two forms:
 * - `eventually(probe, what, timeoutMs?, intervalMs?)` polls `probe` until it
 *   returns something other than undefined and returns that; fails naming
 *   `what` after `timeoutMs`.
 * - `eventually(check, timeoutMs, intervalMs?)` polls an assertion until it
 *   passes (returns without throwing) and returns the elapsed milliseconds;
 *   after `timeoutMs` it throws the last assertion error.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number, intervalMs?: number): Promise<T>;
export async function eventually(check: () => Promise<void>, timeoutMs: number, intervalMs?: number): Promise<number>;
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  whatOrTimeout: string | number,
  timeoutOrInterval?: number,
  interval?: number,
): Promise<T | number> {
  if (typeof whatOrTimeout === 'number') return passes(probe as () => Promise<void>, whatOrTimeout, timeoutOrInterval ?? 50);
  const [timeoutMs, intervalMs] = [timeoutOrInterval ?? 10_000, interval ?? 100];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${whatOrTimeout}`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

async function passes(check: () => Promise<void>, timeoutMs: number, intervalMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
