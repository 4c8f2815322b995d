import { jsonDepth } from './json-depth';

describe('jsonDepth', () => {
  it.each([
    [1, 0],
    [null, 0],
    [{}, 1],
    [{ a: [1, { b: 2 }] }, 3],
    [[[[]]], 3],
  ])('depth of %j is %i', (value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it('measures 100,000 levels without overflowing the stack and stops early at the limit', () => {
    let nested: unknown = 1;
    for (let index = 0; index < 100_000; index++) nested = { a: nested };
    expect(jsonDepth(nested, 32)).toBe(33);
    expect(jsonDepth(nested)).toBe(100_000);
  });
});
