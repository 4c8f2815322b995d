import { isGivenUp, MAX_RETRY_DELAY_MS, nextAttemptAt, subscriberWantsEvent } from './delivery-policy';
import { SubscribeRateLimit } from './subscribe-rate-limit';

const NOW = new Date('2026-12-06T12:00:00.000Z');

describe('delivery policy', () => {
  it('backs off exponentially from the base, capped at an hour', () => {
    expect(nextAttemptAt(1, 30_000, NOW).getTime() - NOW.getTime()).toBe(30_000);
    expect(nextAttemptAt(2, 30_000, NOW).getTime() - NOW.getTime()).toBe(60_000);
    expect(nextAttemptAt(4, 30_000, NOW).getTime() - NOW.getTime()).toBe(240_000);
    expect(nextAttemptAt(30, 30_000, NOW).getTime() - NOW.getTime()).toBe(MAX_RETRY_DELAY_MS);
  });

  it('gives up and disables at the configured counts', () => {
    expect(isGivenUp(11, 12)).toBe(false);
    expect(isGivenUp(12, 12)).toBe(true);
  });

  it('matches components: an empty choice or an event touching no component reaches everyone', () => {
    expect(subscriberWantsEvent([], ['a'])).toBe(true);
    expect(subscriberWantsEvent(['a'], [])).toBe(true);
    expect(subscriberWantsEvent(['a', 'b'], ['b'])).toBe(true);
    expect(subscriberWantsEvent(['a'], ['b'])).toBe(false);
  });
});

describe('SubscribeRateLimit', () => {
  it('allows `limit` requests per client per window, then says how long to wait', () => {
    const limit = new SubscribeRateLimit(2, 60_000);
    expect(limit.take('1.2.3.4', NOW)).toBe(0);
    expect(limit.take('1.2.3.4', NOW)).toBe(0);
    expect(limit.take('1.2.3.4', new Date(NOW.getTime() + 15_000))).toBe(45);
    expect(limit.take('5.6.7.8', NOW)).toBe(0);
    expect(limit.take('1.2.3.4', new Date(NOW.getTime() + 60_000))).toBe(0);
  });
});
