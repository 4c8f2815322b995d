import { parseSlackRequestBody, slackRetryNumber, slackTsToDate } from './slack-request';

const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());

describe('parseSlackRequestBody', () => {
  it('reads a slash command (form fields)', () => {
    expect(parseSlackRequestBody(form({ command: '/incident', text: 'status identified' }), 'application/x-www-form-urlencoded')).toEqual({
      kind: 'dispatch',
      body: { command: '/incident', text: 'status identified' },
    });
  });

  it('reads an interaction (JSON in the payload field)', () => {
    const payload = { type: 'view_submission', view: { id: 'V1' } };
    expect(parseSlackRequestBody(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded; charset=utf-8')).toEqual({
      kind: 'dispatch',
      body: payload,
    });
  });

  it('reads an Events API callback and the url_verification handshake', () => {
    const event = { type: 'event_callback', event: { type: 'pin_added' } };
    expect(parseSlackRequestBody(Buffer.from(JSON.stringify(event)), 'application/json')).toEqual({ kind: 'dispatch', body: event });
    expect(parseSlackRequestBody(Buffer.from('{"type":"url_verification","challenge":"abc"}'), 'application/json')).toEqual({
      kind: 'url_verification',
      challenge: 'abc',
    });
  });

  it('recognises the ssl_check', () => {
    expect(parseSlackRequestBody(form({ ssl_check: '1', token: 't' }), 'application/x-www-form-urlencoded')).toEqual({ kind: 'ssl_check' });
  });

  it.each([
    ['{not json', 'application/json'],
    ['[1,2]', 'application/json'],
    ['{"type":"url_verification"}', 'application/json'],
    ['payload=%7Bbroken', 'application/x-www-form-urlencoded'],
    ['payload=%5B1%5D', 'application/x-www-form-urlencoded'],
    ['hello', 'text/plain'],
    ['hello', undefined],
  ])('refuses %j as %s', (raw, contentType) => {
    expect(parseSlackRequestBody(Buffer.from(raw), contentType)).toMatchObject({ kind: 'invalid' });
  });
});

describe('slackRetryNumber', () => {
  it.each<[string | string[] | undefined, number | undefined]>([
    ['1', 1],
    [['3'], 3],
    [undefined, undefined],
    ['x', undefined],
    ['-1', undefined],
  ])('%p → %p', (header, expected) => {
    expect(slackRetryNumber(header)).toBe(expected);
  });
});

describe('slackTsToDate', () => {
  it.each<[string, string | null]>([
    ['1712345678.000200', '2024-04-05T19:34:38.000Z'],
    ['1712345678.123456', '2024-04-05T19:34:38.123Z'],
    ['1712345678', '2024-04-05T19:34:38.000Z'],
    ['1712345678.5', '2024-04-05T19:34:38.500Z'],
    ['not-a-ts', null],
    ['', null],
  ])('%s → %s', (ts, expected) => {
    expect(slackTsToDate(ts)?.toISOString() ?? null).toBe(expected);
  });
});
