import { createHmac } from 'node:crypto';
import { verifySlackSignature } from './slack-signature';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = Buffer.from('token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fincident&text=');
const now = new Date('2026-11-20T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const sign = (timestamp: number | string, raw: Buffer | string = body, key = secret): string =>
  `v0=${createHmac('sha256', key).update(`v0:${timestamp}:${raw.toString()}`).digest('hex')}`;

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example signature", () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    const exampleBody = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );
    expect(
      verifySlackSignature({
        signingSecret: secret,
        rawBody: exampleBody,
        timestamp: '1531420618',
        signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        now: new Date(1531420618 * 1000 + 60_000),
      }),
    ).toEqual({ ok: true });
  });

  it.each<[string, { timestamp?: string; signature?: string; rawBody?: Buffer; now?: Date }, string]>([
    ['no signature header', { signature: undefined }, 'missing_headers'],
    ['no timestamp header', { timestamp: undefined }, 'missing_headers'],
    ['a timestamp that is not a number', { timestamp: '17e8' }, 'malformed_timestamp'],
    ['a timestamp 301 s old (replay)', { timestamp: String(nowSeconds - 301), signature: sign(nowSeconds - 301) }, 'stale_timestamp'],
    ['a timestamp 301 s in the future', { timestamp: String(nowSeconds + 301), signature: sign(nowSeconds + 301) }, 'stale_timestamp'],
    ['an unknown signature version', { signature: sign(nowSeconds).replace('v0=', 'v1=') }, 'malformed_signature'],
    ['a truncated signature', { signature: sign(nowSeconds).slice(0, 40) }, 'malformed_signature'],
    ['a signature made with another secret', { signature: sign(nowSeconds, body, 'another-secret') }, 'signature_mismatch'],
    ['a body changed after signing', { rawBody: Buffer.from(body.toString().replace('text=', 'text=declare')) }, 'signature_mismatch'],
    ['a signature of another timestamp', { timestamp: String(nowSeconds - 1) }, 'signature_mismatch'],
  ])('refuses %s', (_case, override, reason) => {
    const input = { signingSecret: secret, rawBody: body, timestamp: String(nowSeconds), signature: sign(nowSeconds), now, ...override };
    expect(verifySlackSignature(input)).toEqual({ ok: false, reason });
  });

  it('accepts the edges of the 5-minute window', () => {
    for (const skew of [-300, 0, 300]) {
      const timestamp = nowSeconds + skew;
      expect(verifySlackSignature({ signingSecret: secret, rawBody: body, timestamp: String(timestamp), signature: sign(timestamp), now })).toEqual({
        ok: true,
      });
    }
  });

  it('verifies the exact bytes, including non-ASCII text', () => {
    const raw = Buffer.from('{"text":"Zahlungen schlagen fehl — ß ✓"}', 'utf8');
    expect(verifySlackSignature({ signingSecret: secret, rawBody: raw, timestamp: String(nowSeconds), signature: sign(nowSeconds, raw), now })).toEqual({
      ok: true,
    });
  });
});
