import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';

/** Slack's signature window; a signature older than this is refused as stale anyway. */
const REPLAY_WINDOW_MS = 5 * 60_000;
const PRUNE_EVERY = 200;

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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** True the first time a signature is seen; false for a replay. */
  async claim(signature: string): Promise<boolean> {
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
