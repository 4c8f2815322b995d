import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackButtonPresses } from './slack-button-presses';
import { SlackGateway } from './slack-gateway';
import { SlackPager } from './slack-pager.service';
import { SlackResolution } from './slack-resolution.service';

/**
 * The paging jobs, in replicas with SCHEDULER_ENABLED and Slack on, every
 * PAGING_CHECK_INTERVAL_S: due escalation steps, owed invites, on-call handoff
 * messages and channels due for archiving. Each is claimed in PostgreSQL, so
 * every replica may run them.
 */
@Injectable()
export class SlackPagingScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly intervals: SkippingInterval[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly gateway: SlackGateway,
    private readonly pager: SlackPager,
    private readonly resolution: SlackResolution,
    private readonly work: SlackBackgroundWork,
    private readonly presses: SlackButtonPresses,
    @Optional() @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.gateway.enabled || !this.registry) return;
    const registry = this.registry;
    const job = async () => {
      await this.presses.handleDue();
      await this.pager.runDueSteps();
      await this.pager.postDueHandoffs();
      await this.resolution.archiveDueChannels();
    };
    this.intervals.push(
      registerSkippingInterval(
        registry,
        'slack-paging',
        this.config.PAGING_CHECK_INTERVAL_S,
        () => new Promise<void>((done) => this.work.run('slack-paging', () => job().finally(done))),
      ),
    );
  }

  onModuleDestroy(): void {
    for (const interval of this.intervals.splice(0)) interval.stop();
  }
}
