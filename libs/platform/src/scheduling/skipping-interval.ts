import type { SchedulerRegistry } from '@nestjs/schedule';

/** A periodic job registered with @nestjs/schedule by {@link registerSkippingInterval}. */
export interface SkippingInterval {
  /** The run in progress, if any (shutdown waits for it). */
  readonly running: Promise<void> | null;
  /** Unregisters the interval; a run in progress goes on. */
  stop(): void;
}

/**
 * Runs `job` every `seconds` under `name` in the SchedulerRegistry. A tick
 * that comes while the previous run is still going is skipped (`onSkip`), not
 * queued, so one replica never runs the job twice at once. `job` handles its
 * own errors; a rejection is only swallowed here so the interval lives on.
 */
export function registerSkippingInterval(
  registry: SchedulerRegistry,
  name: string,
  seconds: number,
  job: () => Promise<void>,
  onSkip?: () => void,
): SkippingInterval {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) {
      onSkip?.();
      return;
    }
    running = job()
      .catch(() => undefined)
      .finally(() => {
        running = null;
      });
  }, seconds * 1000);
  timer.unref();
  registry.addInterval(name, timer);
  return {
    get running() {
      return running;
    },
    stop() {
      if (registry.doesExist('interval', name)) registry.deleteInterval(name);
    },
  };
}
