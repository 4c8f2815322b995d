/** The window POST /subscribe is rate-limited over, per client IP. */
export const SUBSCRIBE_RATE_WINDOW_MS = 10 * 60_000;
/** Clients tracked at most (the oldest are forgotten first); bounds memory under a flood from many addresses. */
const MAX_TRACKED_CLIENTS = 50_000;

/**
 * A fixed-window counter per client key, in memory: each status page replica
 * limits on its own (a client spread over N replicas gets at most N times the
 * limit). `now` is passed in.
 */
export class SubscribeRateLimit {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = SUBSCRIBE_RATE_WINDOW_MS,
  ) {}

  /** Counts one request; returns 0 when allowed, else the seconds until the client may try again. */
  take(client: string, now: Date): number {
    const time = now.getTime();
    let window = this.windows.get(client);
    if (!window || time - window.startedAt >= this.windowMs) {
      this.windows.delete(client);
      window = { startedAt: time, count: 0 };
      this.windows.set(client, window);
      if (this.windows.size > MAX_TRACKED_CLIENTS) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
    }
    if (window.count >= this.limit) return Math.max(1, Math.ceil((window.startedAt + this.windowMs - time) / 1000));
    window.count += 1;
    return 0;
  }
}
