import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { NotificationSender } from './notification-sender';

const NOTIFICATION_JOB = 'status-notifications';

/**
 * Runs the {@link NotificationSender} every SUBSCRIBER_SEND_INTERVAL_MS in
 * API replicas with SCHEDULER_ENABLED (never two runs at once in one
 * replica; replicas share the work through the outbox's row locks).
 */
@Injectable()
export class NotificationJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationJobs.name);
  private interval: SkippingInterval | null = null;

  constructor(
    private readonly sender: NotificationSender,
    private readonly config: AppConfig,
    // Only there when ScheduleModule is loaded (SCHEDULER_ENABLED). Explicit token: `X | null` has no design type under SWC.
    @Optional() @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.registry) return;
    this.interval = registerSkippingInterval(this.registry, NOTIFICATION_JOB, this.config.SUBSCRIBER_SEND_INTERVAL_MS / 1000, () => this.scheduledRun());
  }

  async onModuleDestroy(): Promise<void> {
    this.interval?.stop();
    await this.interval?.running;
  }

  async scheduledRun(): Promise<void> {
    try {
      await this.sender.runOnce();
    } catch (error) {
      this.logger.warn({ err: error }, 'status notification run failed; retried at the next tick');
    }
  }
}
