import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';

/** Slack's signature window; a signature older than this is refused as stale anyway. */
const REPLAY_WINDOW_MS = 5 * 60_000;
const PRUNE_EVERY = 200;
/** Slack wants its answer within 3 s: the claim may not take more than this of it. */
const CLAIM_DEADLINE_MS = 750;

/**
 * A signed Slack request is valid for 5 minutes: whoever captures one could
 * replay it within that window. Each verified signature is claimed once, in
 * PostgreSQL so the claim holds across replicas; a replay finds it taken and
 * changes nothing. (Slack's own retries carry a new timestamp, hence a new
 * signature, and are deduplicated by the listeners as before.)
 */
@Injectable()
export class SlackReplayGuard {
  private claims = 0;
  private readonly logger = new Logger('SlackReplayGuard');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * True the first time a signature is seen; false for a replay. When
   * PostgreSQL cannot answer in time (an outage), the request is let through:
   * nothing it asks for can be stored then either, the flows answer Slack
   * with their own outage explanation, and their idempotency keys still hold.
   */
  async claim(signature: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLAIM_DEADLINE_MS);
    });
    try {
      const outcome = await Promise.race([this.claimInDatabase(signature), deadline]);
      if (outcome === 'timeout') {
        this.logger.warn('could not check a Slack signature for replay in time (database slow or down): let through');
        return true;
      }
      return outcome;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check a Slack signature for replay (database unavailable): let through');
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  private async claimInDatabase(signature: string): Promise<boolean> {
    const now = this.clock.now();
    if (++this.claims % PRUNE_EVERY === 1) {
      await this.dataSource.query(`DELETE FROM slack_seen_signatures WHERE seen_at < $1`, [new Date(now.getTime() - 2 * REPLAY_WINDOW_MS)]);
    }
    const rows = (await this.dataSource.query(
      `INSERT INTO slack_seen_signatures (signature, seen_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING RETURNING signature`,
      [signature.slice(0, 100), now],
    )) as unknown[];
    return rows.length === 1;
  }
}
