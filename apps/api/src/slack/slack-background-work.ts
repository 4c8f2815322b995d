import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Work that runs after Slack got its answer (views.open after the ack,
 * creating the channel after a submission, headline updates, jobs). Tracked
 * so shutdown waits for it before the database closes, and so tests can wait
 * for it instead of sleeping. A failure is logged, never thrown at the caller.
 */
@Injectable()
export class SlackBackgroundWork implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SlackBackgroundWork.name);
  private readonly running = new Set<Promise<void>>();

  run(label: string, work: () => Promise<unknown>): void {
    const task: Promise<void> = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error }, `Slack background work failed: ${label}`),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  get pending(): number {
    return this.running.size;
  }

  /** Resolves when nothing is running any more (work started by work included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.running.size === 0) return;
    const drained = await Promise.race([this.idle().then(() => true), sleep(DRAIN_TIMEOUT_MS, false, { ref: false })]);
    if (!drained) this.logger.warn(`shutting down with ${this.running.size} Slack task(s) still running`);
  }
}
