import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { deprioritiseHelperThreads, keepHelperThreadsDeprioritised, niceOf } from './helper-threads';

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

describe('keepHelperThreadsDeprioritised', () => {
  it('also raises threads started after it, until stopped', async () => {
    const stop = keepHelperThreadsDeprioritised(9, 50);
    let worker: Worker | undefined;
    try {
      const before = new Set(otherThreads());
      worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((resolve) => worker?.once('online', resolve));
      const started = otherThreads().filter((tid) => !before.has(tid));
      expect(started.length).toBeGreaterThan(0);
      // A new thread starts at its creator's nice value (the main thread's 0); the next sweep raises it.
      const deadline = Date.now() + 2000;
      while (started.some((tid) => niceOf(tid) < 9) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(started.map(niceOf).every((nice) => nice >= 9)).toBe(true);
    } finally {
      stop();
      await worker?.terminate();
    }
  });
});
