import { digestsEqual, generateToken, hashToken } from './token-hash';

describe('token hashing', () => {
  it('generates distinct prefixed tokens with 256 bits of randomness', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^blst_[A-Za-z0-9_-]{43}$/);
  });

  it('hashes to SHA-256 hex and compares digests exactly', () => {
    const hash = hashToken('blst_example');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(digestsEqual(hash, hashToken('blst_example'))).toBe(true);
    expect(digestsEqual(hash, hashToken('blst_examplf'))).toBe(false);
    expect(digestsEqual(hash, hash.slice(0, 62))).toBe(false);
  });
});
