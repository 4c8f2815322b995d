import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { deprioritiseHelperThreads, niceOf } from './helper-threads';

const otherThreads = () => readdirSync('/proc/self/task').map(Number).filter((tid) => tid !== process.pid);

describe('deprioritiseHelperThreads', () => {
  it('raises every thread but the main one to the given nice value, and leaves the main thread alone', async () => {
    // A thread of our own (like the snapshot worker), idle until terminated.
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      const mainBefore = niceOf(process.pid);
      const below = otherThreads().filter((tid) => niceOf(tid) < 7);
      expect(below.length).toBeGreaterThan(0);
      expect(deprioritiseHelperThreads(7)).toBe(below.length);
      expect(otherThreads().map(niceOf).every((nice) => nice >= 7)).toBe(true);
      expect(niceOf(process.pid)).toBe(mainBefore);
      // Nothing left to change; a lower value never lowers what is there.
      expect(deprioritiseHelperThreads(7)).toBe(0);
      expect(deprioritiseHelperThreads(3)).toBe(0);
      expect(otherThreads().map(niceOf).every((nice) => nice >= 7)).toBe(true);
    } finally {
      await worker.terminate();
    }
  });
});
