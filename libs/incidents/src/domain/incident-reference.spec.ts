import { formatIncidentReference, parseIncidentReference } from './incident-reference';

describe('incident references', () => {
  it.each([
    [1, 'INC-1'],
    [42, 'INC-42'],
    [100000, 'INC-100000'],
  ])('formats %p as %s', (number, reference) => {
    expect(formatIncidentReference(number)).toBe(reference);
    expect(parseIncidentReference(reference)).toBe(number);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses to format %p', (number) => {
    expect(() => formatIncidentReference(number)).toThrow(RangeError);
  });

  it.each<[string, number | null]>([
    ['INC-42', 42],
    ['inc-42', 42],
    [' Inc-7 ', 7],
    ['#INC-9', 9],
    ['42', 42],
    ['INC-0', null],
    ['INC-042', null],
    ['INC-', null],
    ['INC-4a', null],
    ['INC42', null],
    ['INC-1-2', null],
    ['', null],
    ['INC-9999999999999999', null],
  ])('parses %p as %p', (text, expected) => {
    expect(parseIncidentReference(text)).toBe(expected);
  });
});
