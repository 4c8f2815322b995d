import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackGateway } from './slack-gateway';
import { SlackIncidentSync } from './slack-incident-sync.service';
import { SlackReminders } from './slack-reminders.service';

/**
 * Registers the periodic Slack jobs with @nestjs/schedule, in replicas with
 * SCHEDULER_ENABLED and Slack on: reminders (REMINDER_CHECK_INTERVAL_S) and
 * retrying the Slack side of incidents Slack failed for (SLACK_RETRY_INTERVAL_S).
 * A run never overlaps the previous one in the same replica; across replicas
 * the jobs are safe by construction (reminder claims, an advisory lock).
 */
@Injectable()
export class SlackScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly intervals: SkippingInterval[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly gateway: SlackGateway,
    private readonly reminders: SlackReminders,
    private readonly sync: SlackIncidentSync,
    private readonly work: SlackBackgroundWork,
    // Only there when ScheduleModule is loaded (SCHEDULER_ENABLED). Explicit token: `X | null` has no design type under SWC.
    @Optional() @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.gateway.enabled || !this.registry) return;
    this.every('slack-reminders', this.config.REMINDER_CHECK_INTERVAL_S, () => this.reminders.sendDueReminders());
    this.every('slack-sync-retry', this.config.SLACK_RETRY_INTERVAL_S, () => this.sync.retryPending({ idleForSeconds: this.config.SLACK_RETRY_IDLE_S }));
  }

  onModuleDestroy(): void {
    for (const interval of this.intervals.splice(0)) interval.stop();
  }

  /** The job runs as tracked background work (shutdown waits for it); a tick during a run is skipped. */
  private every(name: string, seconds: number, job: () => Promise<unknown>): void {
    if (!this.registry) return;
    this.intervals.push(
      registerSkippingInterval(this.registry, name, seconds, () => new Promise<void>((done) => this.work.run(name, () => job().finally(done)))),
    );
  }
}
