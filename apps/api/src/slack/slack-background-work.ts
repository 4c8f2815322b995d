import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

const DRAIN_TIMEOUT_MS = 10_000;
/**
 * Deferred work started per turn of the event loop. Between two turns Node
 * reads the sockets again, and a request that arrived is answered (a few
 * hundred microseconds) before more deferred work starts (about a millisecond
 * each): a burst's acks go out first, and a queue of deferred work still
 * drains about as fast as the work itself allows.
 */
const DEFERRED_PER_TURN = 4;
/**
 * Deferred work never waits longer than this: under sustained load it starts
 * even while requests keep arriving (a trigger_id expires 3 s after the
 * command, so views.open cannot wait for a quiet moment).
 */
const MAX_DEFER_MS = 1000;
/** Overdue work started per turn: a backlog drains at full speed without one long stall of every answer waiting behind it. */
const OVERDUE_PER_TURN = 16;

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
  private readonly waitingForTurn: Array<{ readonly since: number; readonly start: () => void }> = [];
  private turnScheduled = false;

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

  /**
   * Like `run`, but started on a later turn of the event loop, a few per turn
   * (more when some waited MAX_DEFER_MS, still in bounded batches), in the
   * order deferred: for work that must not delay answers to requests
   * that are already waiting (views.open after a burst of /incident acks).
   * Tracked from now on, so `idle()` and shutdown wait for it.
   */
  defer(label: string, work: () => Promise<unknown>): void {
    this.run(label, () => this.nextTurn().then(work));
  }

  get pending(): number {
    return this.running.size;
  }

  /** Resolves when nothing is running any more (work started by work included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.waitingForTurn.push({ since: performance.now(), start: resolve });
      if (!this.turnScheduled) this.scheduleTurn();
    });
  }

  private scheduleTurn(): void {
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      const overdue = performance.now() - MAX_DEFER_MS;
      let count = Math.min(DEFERRED_PER_TURN, this.waitingForTurn.length);
      while (count < Math.min(this.waitingForTurn.length, OVERDUE_PER_TURN) && this.waitingForTurn[count].since <= overdue) count += 1;
      for (const waiting of this.waitingForTurn.splice(0, count)) waiting.start();
      if (this.waitingForTurn.length > 0) this.scheduleTurn();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.running.size === 0) return;
    const drained = await Promise.race([this.idle().then(() => true), sleep(DRAIN_TIMEOUT_MS, false, { ref: false })]);
    if (!drained) this.logger.warn(`shutting down with ${this.running.size} Slack task(s) still running`);
  }
}
