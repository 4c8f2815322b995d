import { generatePublicId, isPublicId } from './public-id';

describe('public ids', () => {
  it('are 12 characters of [a-z0-9]', () => {
    let counter = 0;
    const id = generatePublicId(() => counter++ % 36);
    expect(id).toBe('abcdefghijkl');
    expect(isPublicId(id)).toBe(true);
    expect(generatePublicId(() => 35)).toBe('999999999999');
  });

  it('rejects anything else', () => {
    for (const value of ['ABCDEFGHIJKL', 'abc', 'abcdefghijklm', 'abcdefghijk-', 12, null]) expect(isPublicId(value)).toBe(false);
  });

  it('refuses an out-of-range random source rather than producing a bad id', () => {
    expect(() => generatePublicId(() => 36)).toThrow(RangeError);
  });
});
