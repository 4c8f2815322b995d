/**
 * Text crossing the Slack boundary, both ways.
 *
 * Outbound: in mrkdwn, `<...>` is Slack's control syntax (`<!channel>`,
 * `<@U123>`, `<https://x|label>`), so every user-supplied string is escaped
 * (&, <, > become entities, the only escaping Slack defines) before it is
 * placed in a message. Text objects carrying user text are also sent with
 * `verbatim: true` so Slack does not auto-link or auto-parse mentions in them.
 * Markup Ballast generates itself (a commander mention, a channel link) is
 * built from validated IDs only.
 *
 * Inbound: Slack sends slash-command and message text entity-escaped and with
 * mentions/links in its control syntax; decodeSlackText turns that into the
 * plain text a human typed, which is what Ballast stores.
 */

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes and fits within `maxLength` characters (Slack rejects over-long text
 * objects), cutting at a character boundary, never inside an entity, and
 * marking the cut with `…`.
 */
export function escapeMrkdwnWithin(text: string, maxLength: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= maxLength) return escaped;
  let result = '';
  for (const character of text) {
    const piece = escapeMrkdwn(character);
    if (result.length + piece.length > maxLength - 1) break;
    result += piece;
  }
  return `${result}…`;
}

/** Plain text fitted within `maxLength` characters, cut at a code point boundary with `…`. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let result = '';
  for (const character of text) {
    if (result.length + character.length > maxLength - 1) break;
    result += character;
  }
  return `${result}…`;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

export function isSlackUserId(value: unknown): value is string {
  return typeof value === 'string' && SLACK_USER_ID.test(value);
}

export function isSlackChannelId(value: unknown): value is string {
  return typeof value === 'string' && SLACK_CHANNEL_ID.test(value);
}

/** `<@U123>` for a valid user ID; anything else is rendered as escaped text, never as markup. */
export function userMention(slackUserId: string): string {
  return isSlackUserId(slackUserId) ? `<@${slackUserId}>` : escapeMrkdwn(slackUserId);
}

/** `<#C123>` for a valid channel ID; anything else is rendered as escaped text. */
export function channelMention(channelId: string): string {
  return isSlackChannelId(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/**
 * Slack's inbound text to what the person typed:
 * `<@U1|alice>` → `@alice`, `<@U1>` → `@U1`, `<#C1|ops>` → `#ops`,
 * `<!here>` → `@here`, `<!subteam^S1|@sre>` → `@sre`, `<!date^…|fallback>` → `fallback`,
 * `<https://x|label>` → `label (https://x)`, `<https://x>` → `https://x`,
 * `<mailto:a@b.c|a@b.c>` → `a@b.c`, then `&lt; &gt; &amp;` → `< > &`.
 */
export function decodeSlackText(text: string): string {
  const decoded = text.replace(/<([^<>]*)>/g, (_match, inner: string) => decodeControlSequence(inner));
  return decoded.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function decodeControlSequence(inner: string): string {
  const pipe = inner.indexOf('|');
  const target = pipe === -1 ? inner : inner.slice(0, pipe);
  const label = pipe === -1 ? null : inner.slice(pipe + 1);
  switch (target.charAt(0)) {
    case '@':
      return `@${label ?? target.slice(1)}`;
    case '#':
      return `#${label ?? target.slice(1)}`;
    case '!': {
      const command = target.slice(1);
      if (command.startsWith('subteam^')) return label ?? `@${command.slice('subteam^'.length)}`;
      if (command.startsWith('date^')) return label ?? '';
      return `@${label ?? command}`;
    }
    default: {
      if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
      if (label === null || label === target) return target;
      return `${label} (${target})`;
    }
  }
}
