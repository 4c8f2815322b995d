import { SchedulerRegistry } from '@nestjs/schedule';
import { registerSkippingInterval } from './skipping-interval';

describe('registerSkippingInterval', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the job every interval, skips ticks while a run is going, and stops when told', async () => {
    const registry = new SchedulerRegistry();
    let release: () => void = () => undefined;
    let runs = 0;
    let skipped = 0;
    const interval = registerSkippingInterval(
      registry,
      'job',
      2,
      () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => skipped++,
    );
    expect(registry.doesExist('interval', 'job')).toBe(true);

    jest.advanceTimersByTime(2000);
    expect([runs, skipped]).toEqual([1, 0]);
    jest.advanceTimersByTime(4000); // two ticks while the first run is going
    expect([runs, skipped]).toEqual([1, 2]);
    expect(interval.running).not.toBeNull();
    release();
    await interval.running;
    expect(interval.running).toBeNull();
    jest.advanceTimersByTime(2000);
    expect(runs).toBe(2);

    interval.stop();
    expect(registry.doesExist('interval', 'job')).toBe(false);
    jest.advanceTimersByTime(10_000);
    expect(runs).toBe(2);
    interval.stop(); // twice is fine
  });

  it('keeps the interval alive after a run that rejects', async () => {
    const registry = new SchedulerRegistry();
    let runs = 0;
    const interval = registerSkippingInterval(registry, 'failing', 1, async () => {
      runs++;
      throw new Error('boom');
    });
    jest.advanceTimersByTime(1000);
    await interval.running;
    jest.advanceTimersByTime(1000);
    await interval.running;
    expect(runs).toBe(2);
    interval.stop();
  });
});
