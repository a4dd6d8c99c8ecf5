import { AppError } from './errors';

/**
 * Fixed-window counter per key, in process memory. Enough to blunt brute force
 * per instance; the limit is per instance, so N instances allow N times as much.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(key: string, now = Date.now()): void {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
      return;
    }
    w.count++;
    if (w.count > this.limit) {
      throw new AppError('RATE_LIMITED', undefined, {
        retryAfterSeconds: Math.ceil((w.start + this.windowMs - now) / 1000),
      });
    }
  }

  /** Throws when `key` is already over its limit, without counting a hit. */
  peek(key: string, now = Date.now()): void {
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs && w.count >= this.limit) {
      throw new AppError('RATE_LIMITED', undefined, {
        retryAfterSeconds: Math.ceil((w.start + this.windowMs - now) / 1000),
      });
    }
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
