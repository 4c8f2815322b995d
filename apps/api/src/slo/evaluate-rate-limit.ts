import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { Principal } from '@app/catalog';
import { Clock, RateLimitedError } from '@app/platform';

const WINDOW_MS = 60_000;

/**
 * POST /api/v1/slos/:id/evaluate queries Prometheus over the SLO's whole
 * window on demand: SLO_EVALUATE_PER_MINUTE per token and minute (a sliding
 * window, per replica), then 429 with Retry-After.
 */
@Injectable()
export class EvaluateRateLimit {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  take(principal: Principal): void {
    const key = principal.tokenId ?? 'configured-admin';
    const now = this.clock.now().getTime();
    const kept = (this.recent.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
    if (kept.length >= this.config.SLO_EVALUATE_PER_MINUTE) {
      this.recent.set(key, kept);
      throw new RateLimitedError(
        `at most ${this.config.SLO_EVALUATE_PER_MINUTE} evaluations per minute per token (SLO_EVALUATE_PER_MINUTE); the SLO is evaluated every cycle anyway`,
        (kept[0] + WINDOW_MS - now) / 1000,
      );
    }
    kept.push(now);
    this.recent.set(key, kept);
    if (this.recent.size > 10_000) this.forgetIdle(now);
  }

  private forgetIdle(now: number): void {
    for (const [key, times] of this.recent) if (times.every((at) => at <= now - WINDOW_MS)) this.recent.delete(key);
  }
}
