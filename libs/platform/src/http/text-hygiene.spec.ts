import { findUnsafeText, isUnsafeText, unsafePathSegment } from './text-hygiene';

describe('text hygiene', () => {
  it.each([
    ['a\u0000b', true],
    ['\ud800', true],
    ['x\udc00', true],
    ['😀 pair', false],
    ['line\u2028separator', false],
    ['plain', false],
  ])('isUnsafeText(%j) is %s', (text, unsafe) => {
    expect(isUnsafeText(text)).toBe(unsafe);
  });

  it('names the field of the first unsafe string, keys included', () => {
    expect(findUnsafeText({ title: 'ok', affectedComponents: [{ componentId: 'a\u0000' }] })).toBe('affectedComponents[0].componentId');
    expect(findUnsafeText({ labels: { ['bad\ud800']: 'x' } })).toBe('labels.bad\ud800');
    expect(findUnsafeText({ title: 'fine', n: 3, list: ['x'] })).toBeUndefined();
    expect(findUnsafeText('\u0000')).toBe('body');
  });

  it('finds NUL, lone surrogates and malformed escapes in URL paths', () => {
    expect(unsafePathSegment('/api/v1/services/ab%00c')).toBe('ab%00c');
    expect(unsafePathSegment('/api/v1/services/%ED%A0%80')).toBe('%ED%A0%80');
    expect(unsafePathSegment('/api/v1/services/%E0%A4%A')).toBe('%E0%A4%A');
    expect(unsafePathSegment('/api/v1/services/caf%C3%A9')).toBeUndefined();
  });
});
