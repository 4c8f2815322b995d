import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { Clock, isDatabaseUnavailable } from '@app/platform';
import { SlackBackgroundWork } from './slack-background-work';
import { PageClick, SlackPager } from './slack-pager.service';
import { ACKNOWLEDGE_ACTION_ID, ESCALATE_ACTION_ID } from './ui/slack-page-messages';

export type PageButtonAction = typeof ACKNOWLEDGE_ACTION_ID | typeof ESCALATE_ACTION_ID;

/** One press of a page's (or headline's) Acknowledge / Escalate button, after Slack got its 200. */
export interface ButtonPress {
  /** unique per interaction (Slack's trigger_id): a redelivery of the same request is the same press */
  readonly key: string;
  readonly action: PageButtonAction;
  readonly click: PageClick;
}

/** A press being handled is leased this long; past it, another run (any replica, after a restart) handles it again. */
export const PRESS_LEASE_MS = 60_000;
/** A press failing this many times is given up (the person is told). */
const MAX_ATTEMPTS = 5;
const RETRY_BACKOFF_MS = [2_000, 10_000, 30_000, 60_000];
/** Presses older than this are not handled any more (the page is long escalated or acknowledged another way). */
const GIVE_UP_AFTER_MS = 60 * 60_000;
const KEEP_DONE_MS = 24 * 60 * 60_000;
const DUE_BATCH = 100;
const STORE_ATTEMPTS = 5;

interface PressRow {
  press_key: string;
  action: PageButtonAction;
  incident_id: string;
  step_index: number;
  user_id: string;
  user_name: string | null;
  reply: PageClick['reply'];
  attempts: number;
  received_at: Date;
}

/**
 * The Acknowledge and Escalate buttons answer Slack before any database work
 * (SlackHttpReceiver writes the 200 first); the press is then stored in
 * PostgreSQL and handled from there: claimed with a lease (a compare-and-set,
 * so one replica handles it), marked done when handled. A press whose handler
 * failed, or whose process died, is handled again by the paging job once its
 * lease ran out. The acknowledgement itself stays the pager's compare-and-set,
 * so a double click or a redelivery still acknowledges once.
 */
@Injectable()
export class SlackButtonPresses {
  private readonly logger = new Logger(SlackButtonPresses.name);
  private stored = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly pager: SlackPager,
    private readonly work: SlackBackgroundWork,
  ) {}

  /** After the ack: stored and handled on a later turn, so presses arriving together are all answered first. */
  accept(press: ButtonPress): void {
    this.work.defer(`${press.action} ${press.click.incidentId}`, async () => {
      if (await this.store(press)) await this.handle(press.key);
    });
  }

  /** Presses whose handling failed or was interrupted (lease run out): handled again, each by one replica. */
  async handleDue(): Promise<number> {
    const now = this.clock.now();
    if (++this.stored % 50 === 1) {
      await this.dataSource.query('DELETE FROM slack_button_presses WHERE done_at IS NOT NULL AND done_at < $1', [new Date(now.getTime() - KEEP_DONE_MS)]);
    }
    const due = (await this.dataSource.query(
      `SELECT press_key FROM slack_button_presses
        WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= $1) ORDER BY received_at LIMIT $2`,
      [now, DUE_BATCH],
    )) as Array<{ press_key: string }>;
    let handled = 0;
    for (const row of due) if (await this.handle(row.press_key)) handled += 1;
    return handled;
  }

  private async store(press: ButtonPress): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.dataSource.query(
          `INSERT INTO slack_button_presses (press_key, action, incident_id, step_index, user_id, user_name, reply, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (press_key) DO NOTHING`,
          [
            press.key.slice(0, 120),
            press.action,
            press.click.incidentId,
            press.click.stepIndex,
            press.click.userId,
            press.click.userName,
            JSON.stringify(press.click.reply),
            this.clock.now(),
          ],
        );
        return true;
      } catch (error) {
        if (!isDatabaseUnavailable(error) || attempt >= STORE_ATTEMPTS) throw error;
        await sleep(200 * attempt);
      }
    }
  }

  /** Claims the press (lease) and handles it; false when another run holds it or it is done. */
  private async handle(key: string): Promise<boolean> {
    const now = this.clock.now();
    const claimed = (await this.dataSource.query(
      `UPDATE slack_button_presses SET attempts = attempts + 1, lease_until = $2
        WHERE press_key = $1 AND done_at IS NULL AND (lease_until IS NULL OR lease_until <= $3)
        RETURNING press_key, action, incident_id, step_index, user_id, user_name, reply, attempts, received_at`,
      [key, new Date(now.getTime() + PRESS_LEASE_MS), now],
    )) as [PressRow[], number] | PressRow[];
    const row = (Array.isArray(claimed[0]) ? claimed[0] : claimed)[0] as PressRow | undefined;
    if (!row) return false;
    const click: PageClick = { incidentId: row.incident_id, stepIndex: row.step_index, userId: row.user_id, userName: row.user_name, reply: row.reply };
    const receivedLongAgo = new Date(row.received_at).getTime() < now.getTime() - GIVE_UP_AFTER_MS;
    try {
      if (receivedLongAgo) {
        await this.finish(key, 'given up: pressed more than an hour ago');
        return false;
      }
      // A second attempt resumes an acknowledgement whose first attempt may have stopped half-way.
      if (row.action === ACKNOWLEDGE_ACTION_ID) await this.pager.acknowledge(click, { resume: row.attempts > 1 });
      else await this.pager.escalate(click);
      await this.finish(key, null);
      return true;
    } catch (error) {
      this.logger.error({ err: error, incidentId: row.incident_id, action: row.action, attempt: row.attempts }, 'a page button press failed');
      const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
      if (row.attempts >= MAX_ATTEMPTS) {
        await this.finish(key, `given up: ${message}`).catch(() => undefined);
        return false;
      }
      const backoff = RETRY_BACKOFF_MS[Math.min(row.attempts - 1, RETRY_BACKOFF_MS.length - 1)];
      await this.dataSource
        .query('UPDATE slack_button_presses SET lease_until = $2, error = $3 WHERE press_key = $1', [
          key,
          new Date(this.clock.now().getTime() + backoff),
          message,
        ])
        .catch(() => undefined);
      return false;
    }
  }

  private async finish(key: string, error: string | null): Promise<void> {
    await this.dataSource.query('UPDATE slack_button_presses SET done_at = $2, lease_until = NULL, error = $3 WHERE press_key = $1', [
      key,
      this.clock.now(),
      error,
    ]);
  }
}
