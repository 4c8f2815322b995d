import { channelNameWithSuffix, incidentChannelName, SLACK_CHANNEL_NAME_MAX_LENGTH, slugifyForChannel } from './slack-channel-name';

/** Slack's documented rule for channel names. */
const slackAccepts = (name: string): boolean => /^[a-z0-9_-]{1,80}$/.test(name) && /[a-z0-9]/.test(name);

describe('incidentChannelName', () => {
  it.each<[number, string, string]>([
    [42, 'Checkout errors', 'inc-42-checkout-errors'],
    [42, '  Checkout   5xx on /pay!!  ', 'inc-42-checkout-5xx-on-pay'],
    [7, 'DB: primary -- failover', 'inc-7-db-primary-failover'],
    [7, 'Can’t log in', 'inc-7-cant-log-in'],
    [7, "Users can't pay", 'inc-7-users-cant-pay'],
    [8, 'Café déjà vu — Zürich', 'inc-8-cafe-deja-vu-zurich'],
    [8, 'Straße in Łódź', 'inc-8-strasse-in-lodz'],
    [8, 'ＦＵＬＬ ｗｉｄｔｈ', 'inc-8-full-width'],
    [9, 'snake_case_title', 'inc-9-snake_case_title'],
    [9, '__leading and trailing__', 'inc-9-leading-and-trailing'],
    [10, '🔥🔥🔥', 'inc-10'],
    [10, '決済エラー', 'inc-10'],
    [10, '決済エラー on checkout', 'inc-10-on-checkout'],
    [10, '   ', 'inc-10'],
    [11, 'API <!channel> @here', 'inc-11-api-channel-here'],
    [12, 'v2.3.1 rollout', 'inc-12-v2-3-1-rollout'],
  ])('#%p %p -> %s', (number, title, expected) => {
    const name = incidentChannelName(number, title);
    expect(name).toBe(expected);
    expect(slackAccepts(name)).toBe(true);
  });

  it('truncates to 80 characters at a word boundary', () => {
    const title = 'the quick brown fox jumps over the lazy dog while the payment gateway keeps timing out for everyone';
    const name = incidentChannelName(12345, title);
    expect(name.length).toBeLessThanOrEqual(SLACK_CHANNEL_NAME_MAX_LENGTH);
    expect(name).toBe('inc-12345-the-quick-brown-fox-jumps-over-the-lazy-dog-while-the-payment-gateway');
    expect(slackAccepts(name)).toBe(true);
  });

  it('cuts a single endless word at exactly 80 characters', () => {
    const name = incidentChannelName(1, 'x'.repeat(200));
    expect(name).toBe(`inc-1-${'x'.repeat(74)}`);
    expect(name).toHaveLength(80);
  });

  it('never ends on a separator after truncation', () => {
    for (let length = 60; length < 100; length += 1) {
      const name = incidentChannelName(99, `${'ab-'.repeat(40)}`.slice(0, length));
      expect(name).not.toMatch(/[-_]$/);
      expect(slackAccepts(name)).toBe(true);
    }
  });

  it.each([0, -3, 2.5])('rejects incident number %p', (number) => {
    expect(() => incidentChannelName(number, 'x')).toThrow(RangeError);
  });
});

describe('channelNameWithSuffix', () => {
  it.each<[string, number, string]>([
    ['inc-42-checkout-errors', 1, 'inc-42-checkout-errors'],
    ['inc-42-checkout-errors', 2, 'inc-42-checkout-errors-2'],
    ['inc-42-checkout-errors', 13, 'inc-42-checkout-errors-13'],
    ['inc-10', 2, 'inc-10-2'],
  ])('%s attempt %p -> %s', (name, attempt, expected) => {
    expect(channelNameWithSuffix(name, attempt)).toBe(expected);
  });

  it('keeps a full-length name within 80 characters and drops a dangling separator', () => {
    const full = incidentChannelName(1, 'x'.repeat(200));
    expect(channelNameWithSuffix(full, 2)).toBe(`inc-1-${'x'.repeat(72)}-2`);
    expect(channelNameWithSuffix(full, 100)).toHaveLength(80);
    const dashAtCut = `inc-1-${'y'.repeat(71)}-zz`; // 80 chars, the cut for "-2" lands right after the dash
    expect(dashAtCut).toHaveLength(80);
    expect(channelNameWithSuffix(dashAtCut, 2)).toBe(`inc-1-${'y'.repeat(71)}-2`);
    for (let attempt = 2; attempt < 1200; attempt += 37) {
      expect(slackAccepts(channelNameWithSuffix(full, attempt))).toBe(true);
    }
  });

  it.each([0, -1, 1.5])('rejects attempt %p', (attempt) => {
    expect(() => channelNameWithSuffix('inc-1', attempt)).toThrow(RangeError);
  });
});

describe('slugifyForChannel', () => {
  it('returns an empty string when nothing usable remains', () => {
    expect(slugifyForChannel('!!! ??? 🙈')).toBe('');
  });
});
