import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives every thread of this process except the serving (main) thread at
 * least `niceness` — V8's platform threads (the garbage collectors' helpers
 * for the snapshot worker's heap as well as the serving thread's), libuv's
 * pool, the snapshot worker (already niced by itself). Linux schedules
 * threads individually: at nice 0 the collectors' helpers, busy after each
 * rebuild, took the serving thread's core share equally and stalled its
 * event loop for 80–110 ms (measured with an update every second: p99 46–53
 * ms and max 92–113 ms, against 35–46 ms and 50–79 ms with them at nice 5).
 * Only raises nice values (always permitted); returns how many threads it
 * changed. Linux only: elsewhere (no /proc/self/task) it does nothing.
 */
export function deprioritiseHelperThreads(niceness: number): number {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number).filter((tid) => Number.isInteger(tid) && tid !== process.pid);
  } catch {
    return 0;
  }
  let changed = 0;
  for (const tid of tids) {
    try {
      if (niceOf(tid) >= niceness) continue;
      setPriority(tid, niceness);
      changed++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return changed;
}

/**
 * {@link deprioritiseHelperThreads} now and every `everyMs` after, for the
 * threads started later (libuv's pool starts on first use, V8 may add
 * helpers): a sweep reads a dozen small /proc files. Returns the stop.
 */
export function keepHelperThreadsDeprioritised(niceness: number, everyMs: number): () => void {
  deprioritiseHelperThreads(niceness);
  const sweep = setInterval(() => deprioritiseHelperThreads(niceness), everyMs);
  sweep.unref();
  return () => clearInterval(sweep);
}

/** A thread's nice value, field 19 of /proc/self/task/TID/stat. */
export function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}
