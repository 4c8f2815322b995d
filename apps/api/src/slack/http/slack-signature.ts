import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing ("Verifying requests from Slack"):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>`
 * with `X-Slack-Request-Timestamp` in Unix seconds. Pure: `now` is passed in.
 */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export interface SlackSignatureInput {
  readonly signingSecret: string;
  /** the body exactly as received, byte for byte */
  readonly rawBody: Buffer;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly now: Date;
}

export type SlackSignatureVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing_headers' | 'malformed_timestamp' | 'stale_timestamp' | 'malformed_signature' | 'signature_mismatch' };

/**
 * Accepts a request only when its timestamp is within 5 minutes of `now`
 * (either side: a replay from the past or a request dated in the future) and
 * its signature matches, compared in constant time.
 */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureVerdict {
  if (!input.timestamp || !input.signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const skewSeconds = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(input.timestamp));
  if (skewSeconds > SLACK_SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const match = /^v0=([0-9a-f]{64})$/.exec(input.signature);
  if (!match) return { ok: false, reason: 'malformed_signature' };
  const expected = createHmac('sha256', input.signingSecret).update(`v0:${input.timestamp}:`).update(input.rawBody).digest();
  const received = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, received) ? { ok: true } : { ok: false, reason: 'signature_mismatch' };
}
