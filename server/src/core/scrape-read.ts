/**
 * A figure read from the database at scrape time: kept for `cacheMs`, read by
 * one shared query when stale (a storm of scrapes costs one query), and never a
 * failed scrape: a query that fails, or takes longer than `waitMs`, gives the last
 * figure (null before the first). The slow query still finishes and fills the cache.
 */
export function scrapeRead<T>(cacheMs: number, waitMs: number): (read: () => Promise<T>) => Promise<T | null> {
  let cache: { at: number; value: T } | null = null;
  let pending: Promise<T | null> | null = null;
  return async (read) => {
    if (cache && Date.now() - cache.at < cacheMs) return cache.value;
    pending ??= Promise.resolve()
      .then(read)
      .then(
        (value) => {
          cache = { at: Date.now(), value };
          return value;
        },
        () => null,
      )
      .finally(() => {
        pending = null;
      });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), waitMs);
      timer.unref();
    });
    try {
      return (await Promise.race([pending, late])) ?? cache?.value ?? null;
    } finally {
      clearTimeout(timer);
    }
  };
}
