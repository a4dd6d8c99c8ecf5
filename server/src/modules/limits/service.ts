import type { Database, Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { Counter } from './rules';
import { STAFF_LOCKOUT_SCOPES } from './rules';
import * as store from './store';

export { limits, type Counter, type Rule } from './rules';

/** The counter row of `c`'s current fixed window at `now`. */
function windowOf(c: Counter, now: number): store.WindowKey {
  const start = Math.floor(now / c.rule.windowMs) * c.rule.windowMs;
  return {
    scope: c.rule.scope,
    subject: c.subject,
    source: c.source ?? '',
    windowStart: start,
    expiresAt: start + c.rule.windowMs,
  };
}

/**
 * Rate limits, throttles and lockouts on fixed windows kept in the database, so
 * every instance counts against the same budget (N instances allow what one
 * does, ± one window at a boundary) and a restart forgets nothing. Counting runs
 * outside any caller's transaction on purpose: a refused or failed request must
 * still count. Call these from a service or route, never inside `db.tx`.
 */
export class Limits {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one hit on each of `hits` and refuses with RATE_LIMITED when one of
   * them is now over its limit, or when one of `watch` (counted elsewhere, e.g.
   * failures) has already reached its limit. One round trip: an upsert and a
   * SELECT (only the SELECT when nothing is counted). Returns the hits of every
   * counter named, in order (`hits` then `watch`).
   */
  async check(hits: Counter[], watch: Counter[] = [], now = this.clock.now().getTime()): Promise<number[]> {
    return this.judge(hits, watch, await this.seen(hits, watch, now), now);
  }

  /** The first half of `check`: counts `hits` and reads every counter named, judging nothing. */
  seen(hits: Counter[], watch: Counter[] = [], now = this.clock.now().getTime()): Promise<number[]> {
    const hitKeys = hits.map((c) => windowOf(c, now));
    const watchKeys = watch.map((c) => windowOf(c, now));
    // An autocommit statement on MySQL; `read` only because it runs outside a transaction.
    return this.db.read((q) => store.addAndRead(q, hitKeys, watchKeys));
  }

  /** The second half of `check`: RATE_LIMITED when what `seen` returned is over a limit; else `seen`. */
  judge(hits: Counter[], watch: Counter[], seen: number[], now = this.clock.now().getTime()): number[] {
    const hitKeys = hits.map((c) => windowOf(c, now));
    const watchKeys = watch.map((c) => windowOf(c, now));
    const over = [
      ...hits.flatMap((c, i) => (seen[i] > c.rule.limit ? [hitKeys[i]] : [])),
      ...watch.flatMap((c, i) => (seen[hits.length + i] >= c.rule.limit ? [watchKeys[i]] : [])),
    ];
    if (over.length) {
      const until = Math.max(...over.map((k) => k.expiresAt));
      throw new AppError('RATE_LIMITED', undefined, {
        retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
      });
    }
    return seen;
  }

  /** Counts one hit on each counter without judging it (a failure seen by a later `check`). One statement. */
  async count(counters: Counter[], now = this.clock.now().getTime()): Promise<void> {
    await this.db.read((q) =>
      store.add(
        q,
        counters.map((c) => windowOf(c, now)),
      ),
    );
  }

  /**
   * Counts one hit on each counter inside the caller's transaction, riding in its
   * COMMIT round trip: for a hit that only counts when the work commits (a
   * checkout's scan), judged beforehand by a read-only `check` that watches it.
   */
  async countIn(q: Q, counters: Counter[], now = this.clock.now().getTime()): Promise<void> {
    await store.addLater(
      q,
      counters.map((c) => windowOf(c, now)),
    );
  }

  /** Forgets the current window of one counter (a correct password clears that address's failures). */
  async forgive(c: Counter, now = this.clock.now().getTime()): Promise<void> {
    await this.db.read((q) => store.clearWindow(q, windowOf(c, now)));
  }
}

/** Clears a username's staff lockout in the caller's unit of work (the operator's unlock); returns rows cleared. */
export function unlockStaffIn(q: Q, username: string): Promise<number> {
  return store.clearSubject(q, STAFF_LOCKOUT_SCOPES, username.slice(0, 100));
}
