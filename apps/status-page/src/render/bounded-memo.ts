/**
 * Values made once per key and remembered, for rendering inputs that recur
 * from one rebuild to the next (times, badges, uptime strips). Emptied when it
 * reaches `limit` entries, so keys that never recur cannot make it grow
 * without bound; the next calls simply make their values again.
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.values.size;
  }

  get(key: string, make: () => V): V {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = make();
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}
