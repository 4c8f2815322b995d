import { channelMention, decodeSlackText, escapeMrkdwn, escapeMrkdwnWithin, isSlackChannelId, isSlackUserId, truncateText, userMention } from './slack-text';

describe('escapeMrkdwn', () => {
  it.each<[string, string]>([
    ['plain text', 'plain text'],
    ['<!channel> wake up', '&lt;!channel&gt; wake up'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['ping <@U123> now', 'ping &lt;@U123&gt; now'],
    ['<http://evil.example|click me>', '&lt;http://evil.example|click me&gt;'],
    ['a & b', 'a &amp; b'],
    ['already &lt; escaped', 'already &amp;lt; escaped'],
    ['*bold* _it_ ~s~ `code`', '*bold* _it_ ~s~ `code`'],
  ])('%p -> %p', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('leaves no control sequence behind for any mix of special characters', () => {
    const hostile = ['<', '>', '&', '!', '@', '#', '|', 'U1', 'channel', ' '];
    for (let i = 0; i < 500; i += 1) {
      let text = '';
      for (let j = 0; j < 12; j += 1) text += hostile[(i * 7 + j * 13 + ((i * j) % 5)) % hostile.length];
      expect(escapeMrkdwn(text)).not.toMatch(/[<>]/);
    }
  });
});

describe('escapeMrkdwnWithin', () => {
  it('returns the escaped text when it fits', () => {
    expect(escapeMrkdwnWithin('a<b', 6)).toBe('a&lt;b');
  });

  it('cuts before an entity rather than through it', () => {
    expect(escapeMrkdwnWithin('ab<cd', 6)).toBe('ab…');
    expect(escapeMrkdwnWithin('ab<cd', 7)).toBe('ab&lt;…');
  });

  it('never splits a surrogate pair', () => {
    expect(escapeMrkdwnWithin('🔥🔥🔥', 4)).toBe('🔥…');
  });
});

describe('truncateText', () => {
  it.each<[string, number, string]>([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['this is too long', 10, 'this is t…'],
    ['🔥🔥🔥🔥', 5, '🔥🔥…'],
  ])('%p within %p -> %p', (text, max, expected) => {
    const result = truncateText(text, max);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(max);
  });
});

describe('mentions', () => {
  it('builds markup only from valid IDs', () => {
    expect(userMention('U01ALICE')).toBe('<@U01ALICE>');
    expect(userMention('W123ABC')).toBe('<@W123ABC>');
    expect(userMention('U1> <!channel')).toBe('U1&gt; &lt;!channel');
    expect(channelMention('C0123ABC')).toBe('<#C0123ABC>');
    expect(channelMention('general')).toBe('general');
  });

  it.each([
    ['U01ALICE', true, false],
    ['C0123', false, true],
    ['G0123', false, true],
    ['u01alice', false, false],
    ['', false, false],
  ])('%p: user %p, channel %p', (id, user, channel) => {
    expect(isSlackUserId(id)).toBe(user);
    expect(isSlackChannelId(id)).toBe(channel);
  });
});

describe('decodeSlackText', () => {
  it.each<[string, string]>([
    ['rolled back by <@U01ALICE|alice>', 'rolled back by @alice'],
    ['ask <@U01ALICE>', 'ask @U01ALICE'],
    ['see <#C0123|ops-alerts>', 'see #ops-alerts'],
    ['see <#C0123>', 'see #C0123'],
    ['<!here> fixed', '@here fixed'],
    ['<!channel|channel> fixed', '@channel fixed'],
    ['cc <!subteam^S123|@sre-oncall>', 'cc @sre-oncall'],
    ['at <!date^1392734382^{date_short}|Feb 18, 2014>', 'at Feb 18, 2014'],
    ['graph <https://grafana.example/d/1|dashboard>', 'graph dashboard (https://grafana.example/d/1)'],
    ['graph <https://grafana.example/d/1>', 'graph https://grafana.example/d/1'],
    ['<https://x.example|https://x.example>', 'https://x.example'],
    ['mail <mailto:sre@example.com|sre@example.com>', 'mail sre@example.com'],
    ['p99 &lt; 100ms &amp;&amp; errors &gt; 0', 'p99 < 100ms && errors > 0'],
    ['literal &amp;lt; stays literal', 'literal &lt; stays literal'],
    ['multi\nline', 'multi\nline'],
  ])('%p -> %p', (input, expected) => {
    expect(decodeSlackText(input)).toBe(expected);
  });

  it('round-trips with escapeMrkdwn for text without control sequences', () => {
    const typed = 'a < b && c > d';
    expect(decodeSlackText(escapeMrkdwn(typed))).toBe(typed);
  });
});
