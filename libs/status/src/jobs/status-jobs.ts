import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { StatusRecorder } from './status-recorder';

/** How often the API syncs SLO states, applies due maintenance moves and records status history. */
export const STATUS_JOB_INTERVAL_MS = 15_000;

/**
 * The periodic side of the status page, run by every API replica with
 * SCHEDULER_ENABLED (the recorder's steps are idempotent and lock-guarded,
 * so replicas do not fight). A failing tick (database down) is logged and
 * retried on the next one.
 */
@Injectable()
export class StatusJobs {
  private readonly logger = new Logger(StatusJobs.name);
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly recorder: StatusRecorder,
  ) {}

  @Interval('status-page-refresh', STATUS_JOB_INTERVAL_MS)
  async tick(): Promise<void> {
    if (!this.config.SCHEDULER_ENABLED || this.running) return;
    this.running = true;
    try {
      await this.recorder.refresh();
    } catch (error) {
      this.logger.warn({ err: error }, 'status refresh failed; retrying on the next tick');
    } finally {
      this.running = false;
    }
  }
}
