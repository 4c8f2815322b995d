import { utcTime, utcTimeOrNull } from './format';

describe('utcTime', () => {
  it('writes a time in UTC with the zone named, from any ISO 8601 offset', () => {
    expect(utcTime('2026-11-24T10:05:59.999Z')).toEqual({ iso: '2026-11-24T10:05:59.999Z', text: '2026-11-24 10:05 UTC' });
    expect(utcTime('2026-11-24T01:30:00+02:00')).toEqual({ iso: '2026-11-23T23:30:00.000Z', text: '2026-11-23 23:30 UTC' });
    expect(utcTimeOrNull(null)).toBeNull();
  });

  it('answers a time it formatted before with the same (frozen) view, and stays right past its bound', () => {
    const first = utcTime('2026-01-02T03:04:05.000Z');
    expect(utcTime('2026-01-02T03:04:05.000Z')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const start = Date.parse('2020-01-01T00:00:00Z');
    for (let minute = 0; minute < 25_000; minute++) {
      const iso = new Date(start + minute * 60_000).toISOString();
      const view = utcTime(iso);
      if (minute % 997 === 0) expect(view.text).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
    }
    expect(utcTime('2026-01-02T03:04:05.000Z')).toEqual({ iso: '2026-01-02T03:04:05.000Z', text: '2026-01-02 03:04 UTC' });
  });

  it('refuses a time that is not one, as before', () => {
    expect(() => utcTime('not a time')).toThrow(RangeError);
  });
});
