/**
 * A fake of a class for unit specs: every method of its prototype is a
 * `jest.fn()` (immich's automock). Give each fake the answers a spec needs
 * with `mockResolvedValue`; a method nobody set up answers undefined.
 */
export function automock<T extends object>(Class: abstract new (...args: never[]) => T): jest.Mocked<T> {
  const prototype = Class.prototype as Record<string, unknown>;
  const fake: Record<string, jest.Mock> = {};
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name !== 'constructor' && typeof prototype[name] === 'function') fake[name] = jest.fn();
  }
  return fake as unknown as jest.Mocked<T>;
}
