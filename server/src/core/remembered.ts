/**
 * Values read from the database and kept by this instance for `ttlMs`: rules that
 * change rarely but are read on hot paths (every checkout). A change made on this
 * instance calls `forget`, so it shows at once here; another instance sees it
 * within `ttlMs`.
 */
export class Remembered<K, V> {
  private readonly kept = new Map<K, { value: V; at: number }>();
  constructor(private readonly ttlMs: number) {}

  /** The kept value of `key`, or `read()` when there is none or it is older than ttlMs. */
  async get(key: K, read: () => Promise<V>): Promise<V> {
    const hit = this.kept.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = await read();
    this.kept.set(key, { value, at: Date.now() });
    return value;
  }

  /** Drops `key`'s value, or every value: the next `get` reads again. */
  forget(key?: K): void {
    if (key === undefined) this.kept.clear();
    else this.kept.delete(key);
  }
}
