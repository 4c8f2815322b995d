/**
 * What arrives at `POST /slack/events`, once the signature checked out:
 * slash commands (form fields), interactivity (form field `payload` holding
 * JSON), Events API callbacks (JSON), and Slack's two handshakes. Pure.
 */
export type SlackRequestBody =
  | { readonly kind: 'url_verification'; readonly challenge: string }
  | { readonly kind: 'ssl_check' }
  | { readonly kind: 'dispatch'; readonly body: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly reason: string };

export function parseSlackRequestBody(rawBody: Buffer, contentType: string | undefined): SlackRequestBody {
  const text = rawBody.toString('utf8');
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { kind: 'invalid', reason: 'body is not valid JSON' };
    }
    if (!isRecord(parsed)) return { kind: 'invalid', reason: 'body must be a JSON object' };
    if (parsed.type === 'url_verification') {
      return typeof parsed.challenge === 'string'
        ? { kind: 'url_verification', challenge: parsed.challenge }
        : { kind: 'invalid', reason: 'url_verification without a challenge' };
    }
    return { kind: 'dispatch', body: parsed };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const fields = Object.fromEntries(new URLSearchParams(text));
    if (fields.ssl_check === '1') return { kind: 'ssl_check' };
    if (typeof fields.payload === 'string') {
      try {
        const payload: unknown = JSON.parse(fields.payload);
        return isRecord(payload) ? { kind: 'dispatch', body: payload } : { kind: 'invalid', reason: 'payload must be a JSON object' };
      } catch {
        return { kind: 'invalid', reason: 'payload is not valid JSON' };
      }
    }
    return { kind: 'dispatch', body: fields };
  }
  return { kind: 'invalid', reason: `unsupported content type ${type || '(none)'}` };
}

/** `X-Slack-Retry-Num` as a number, when Slack redelivers. */
export function slackRetryNumber(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
}

/**
 * A Slack message timestamp (`1712345678.000200`: seconds, then a per-channel
 * sequence in microsecond positions) as the moment the message was posted.
 */
export function slackTsToDate(ts: string): Date | null {
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return null;
  const micros = Number((match[2] ?? '').padEnd(6, '0'));
  return new Date(Number(match[1]) * 1000 + Math.floor(micros / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
