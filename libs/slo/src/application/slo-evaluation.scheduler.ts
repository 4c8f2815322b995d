import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { SloEvaluator } from './slo-evaluator';

export const SLO_EVALUATION_INTERVAL_NAME = 'slo-evaluation';

/**
 * Runs an evaluation cycle every SLO_EVAL_INTERVAL_S in replicas with
 * SCHEDULER_ENABLED (the app imports ScheduleModule only then; without it
 * there is no SchedulerRegistry and nothing is scheduled). A tick that comes
 * while the previous cycle still runs is skipped, not queued.
 */
@Injectable()
export class SloEvaluationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SloEvaluationScheduler.name);
  private interval: SkippingInterval | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly evaluator: SloEvaluator,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.registry) {
      return;
    }
    this.interval = registerSkippingInterval(
      this.registry,
      SLO_EVALUATION_INTERVAL_NAME,
      this.config.SLO_EVAL_INTERVAL_S,
      () => this.cycle(),
      () => this.logger.warn('The previous SLO evaluation cycle is still running; skipping this tick'),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.interval?.stop();
    // Let a running cycle store what it has, before the database pool closes.
    await this.interval?.running;
  }

  private cycle(): Promise<void> {
    return this.evaluator
      .runCycle()
      .then((report) => {
        if (report.claimed > 0) {
          this.logger.debug(`SLO cycle: ${JSON.stringify(report)}`);
        }
      })
      .catch((error: unknown) => {
        this.logger.error(`SLO evaluation cycle failed: ${error instanceof Error ? error.message : String(error)}`);
      });
  }
}
