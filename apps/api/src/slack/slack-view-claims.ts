import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';

/** A modal stays open for hours at most; its claims are kept a day, then pruned. */
const KEEP_MS = 24 * 60 * 60_000;
const PRUNE_EVERY = 200;

/**
 * One submission per opened modal. Slack sends the same view id with every
 * submission of one modal (a double click, a retry after a slow answer, a
 * replay): the first claims `view id + callback id` in PostgreSQL (one INSERT
 * … ON CONFLICT, so across replicas too) and changes the incident; the others
 * find the claim taken and change nothing. A submission refused with errors
 * shown in the modal gives its claim back, so the corrected form can be sent
 * again from the same modal.
 */
@Injectable()
export class SlackViewClaims {
  private claims = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** True for the first submission of this modal; false when another one already claimed it. */
  async claim(viewId: string, callbackId: string): Promise<boolean> {
    const now = this.clock.now();
    if (++this.claims % PRUNE_EVERY === 1) {
      await this.dataSource.query('DELETE FROM slack_view_submissions WHERE claimed_at < $1', [new Date(now.getTime() - KEEP_MS)]);
    }
    const rows = (await this.dataSource.query(
      'INSERT INTO slack_view_submissions (view_id, callback_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING view_id',
      [viewId.slice(0, 64), callbackId.slice(0, 64), now],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Gives the claim back (the submission was refused and changed nothing). */
  async release(viewId: string, callbackId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM slack_view_submissions WHERE view_id = $1 AND callback_id = $2', [viewId.slice(0, 64), callbackId.slice(0, 64)]);
  }
}
