/**
 * A fake of a class for unit specs: every method of its prototype chain is a
 * `jest.fn()` (immich's automock). Give each fake the answers a spec needs
 * with `mockResolvedValue`; a method nobody set up answers undefined.
 */
export function automock<T extends object>(Class: abstract new (...args: never[]) => T): jest.Mocked<T> {
  const fake: Record<string, jest.Mock> = {};
  for (
    let prototype: object | null = Class.prototype as object;
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      if (name !== 'constructor' && !(name in fake) && typeof descriptor?.value === 'function') fake[name] = jest.fn();
    }
  }
  return fake as unknown as jest.Mocked<T>;
}
