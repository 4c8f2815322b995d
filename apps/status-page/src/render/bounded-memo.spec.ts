import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('makes a value once per key and answers it again', () => {
    const memo = new BoundedMemo<{ made: string }>(10);
    let made = 0;
    const make = (key: string) => () => ({ made: `${key} ${++made}` });
    const first = memo.get('a', make('a'));
    expect(memo.get('a', make('a'))).toBe(first);
    expect(memo.get('b', make('b'))).toEqual({ made: 'b 2' });
    expect(made).toBe(2);
  });

  it('empties itself at its limit instead of growing, and makes values again after that', () => {
    const memo = new BoundedMemo<number>(3);
    let made = 0;
    for (const key of ['a', 'b', 'c']) memo.get(key, () => ++made);
    expect(memo.size).toBe(3);
    memo.get('d', () => ++made);
    expect(memo.size).toBe(1);
    expect(memo.get('a', () => ++made)).toBe(5);
    expect(made).toBe(5);
  });
});
