import { normalizeEmail, parseComponentChoice } from './subscription-input';

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain only', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('Ada.Lovelace@example.com');
  });

  it.each(['', 'plain', 'a@b', 'a@@b.com', '.a@b.com', 'a.@b.com', 'a..b@c.com', 'a b@c.com', `${'x'.repeat(250)}@example.com`, 42, null])(
    'rejects %p naming email',
    (value) => {
      expect(() => normalizeEmail(value)).toThrow(expect.objectContaining({ field: 'email', code: 'invalid_email' }));
    },
  );
});

describe('parseComponentChoice', () => {
  const known = new Set(['abc123def456', 'zzz999yyy888']);

  it('treats absence as every component and sorts and de-duplicates a choice', () => {
    expect(parseComponentChoice(undefined, known)).toEqual([]);
    expect(parseComponentChoice('', known)).toEqual([]);
    expect(parseComponentChoice('abc123def456', known)).toEqual(['abc123def456']);
    expect(parseComponentChoice(['zzz999yyy888', 'abc123def456', 'zzz999yyy888'], known)).toEqual(['abc123def456', 'zzz999yyy888']);
  });

  it('names components for unknown ids and for anything but strings', () => {
    expect(() => parseComponentChoice(['abc123def456', 'nope'], known)).toThrow(
      expect.objectContaining({ field: 'components', code: 'unknown_components', details: { unknown: ['nope'] } }),
    );
    expect(() => parseComponentChoice([1], known)).toThrow(expect.objectContaining({ field: 'components' }));
    expect(() => parseComponentChoice({ id: 'abc123def456' }, known)).toThrow(expect.objectContaining({ field: 'components' }));
  });
});
