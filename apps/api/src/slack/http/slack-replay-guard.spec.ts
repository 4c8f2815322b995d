import type { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { SlackReplayGuard } from './slack-replay-guard';

function guardWith(query: (sql: string) => Promise<unknown[]>): SlackReplayGuard {
  return new SlackReplayGuard({ query } as unknown as DataSource, new FixedClock(new Date('2026-12-06T12:00:00Z')));
}

describe('SlackReplayGuard', () => {
  it('lets a signature through once and refuses it after that', async () => {
    const seen = new Set<string>();
    const guard = guardWith(async (sql) => {
      if (sql.startsWith('DELETE')) return [];
      return seen.has('v0=abc') ? [] : (seen.add('v0=abc'), [{ signature: 'v0=abc' }]);
    });
    expect(await guard.claim('v0=abc')).toBe(true);
    expect(await guard.claim('v0=abc')).toBe(false);
  });

  it('lets the request through when PostgreSQL is down, so Slack still gets its answer', async () => {
    const guard = guardWith(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    expect(await guard.claim('v0=abc')).toBe(true);
  });

  it('lets the request through when PostgreSQL does not answer within the deadline', async () => {
    jest.useFakeTimers();
    try {
      const guard = guardWith(() => new Promise(() => undefined));
      const claimed = guard.claim('v0=abc');
      await jest.advanceTimersByTimeAsync(1000);
      expect(await claimed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
