import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { isAppError } from '../core/errors';
import { noMetrics, type Metrics, type PoolStats } from '../core/metrics';
import type { Dialect } from './dialect';
import { DeferredWriteError, isRetryable, retryCode } from './errors';
import { mysqlPool, onConnection, poolStats } from './mysql-pool';
import { readerOf, SqliteQ, sqliteTransaction, writerOf } from './sqlite';

export type { Dialect } from './dialect';
// Dialect fragments live in dialect.ts; re-exported so existing `sql.insertIgnore` imports keep working.
export { sql } from './dialect';

/** What a unit of work gets: parameterised SQL with `?` placeholders on both dialects. */
export interface Q {
  readonly dialect: Dialect;
  /** Rows of a SELECT. */
  all<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  one<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R | undefined>;
  /** A write; returns affected rows (correctness comes from conditional updates + affected rows). */
  exec(sql: string, params?: unknown[]): Promise<number>;
  /** An INSERT into a table with an auto-increment id; returns the new id. */
  insert(sql: string, params?: unknown[]): Promise<number>;
  /**
   * Statements that do not need each other's results, sent in one round trip on
   * MySQL (one after the other on SQLite). They run in order and the first error
   * stops the rest and is thrown, as if they had been sent one by one.
   */
  script(steps: Step[]): Promise<StepResult[]>;
  /**
   * Writes whose results nobody needs, held back and sent ahead of the next
   * statement or the COMMIT, in its round trip (run just before it on SQLite).
   * Their failure surfaces there as a `DeferredWriteError` naming the deferred
   * statement, never as that statement's own error, and fails the unit of work:
   * use it only for writes that cannot fail for a reason the caller would handle.
   */
  defer(steps: Step[]): Promise<void>;
}

/** One statement of a script: parameterised SQL with `?` placeholders. */
export type Step = [sql: string, params?: unknown[]];
/** Rows for a SELECT; affected rows for a write. */
export interface StepResult {
  rows: Record<string, unknown>[];
  affected: number;
}

export { DeferredWriteError, isDuplicateKey, RetryTransaction } from './errors';

/**
 * The sql.js path (the fallback when better-sqlite3 is not installed; the
 * better-sqlite3 path is `SqliteQ` in sqlite.ts). Statements run one by one; deferred
 * writes are still held back and run just before the next statement or the COMMIT,
 * so a unit of work sees the same order, the same reads and the same errors as on
 * MySQL, where they ride in that statement's round trip.
 */
class RunnerQ implements Q {
  private pending: Step[] = [];
  constructor(
    readonly dialect: Dialect,
    private readonly runner: QueryRunner,
  ) {}
  async all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.flush();
    return (await this.runner.query(sql, params)) as R[];
  }
  async one<R>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.all<R>(sql, params))[0];
  }
  async exec(sql: string, params: unknown[] = []): Promise<number> {
    await this.flush();
    const res = await this.runner.query(sql, params, true);
    return res.affected ?? 0;
  }
  async insert(sql: string, params: unknown[] = []): Promise<number> {
    await this.flush();
    await this.runner.query(sql, params, true);
    const row = (await this.runner.query('SELECT last_insert_rowid() AS id'))[0] as { id: number };
    return Number(row.id);
  }
  defer(steps: Step[]): Promise<void> {
    this.pending.push(...steps);
    return Promise.resolve();
  }
  /** Runs the deferred writes; called before every statement and before the COMMIT. */
  async flush(): Promise<void> {
    while (this.pending.length) {
      const [sql, params = []] = this.pending.shift()!;
      try {
        await this.runner.query(sql, params, true);
      } catch (err) {
        this.pending = [];
        throw new DeferredWriteError(sql, err);
      }
    }
  }
  async script(steps: Step[]): Promise<StepResult[]> {
    await this.flush();
    const out: StepResult[] = [];
    for (const [sql, params = []] of steps) {
      const res = await this.runner.query(sql, params, true);
      // sql.js reports the last write's count after a SELECT too: a read affects nothing.
      const read = /^\s*(SELECT|WITH)\b/i.test(sql);
      out.push({
        rows: Array.isArray(res.records) ? (res.records as Record<string, unknown>[]) : [],
        affected: read ? 0 : (res.affected ?? 0),
      });
    }
    return out;
  }
}

/** Promise-chain mutex: SQLite has one writer connection, so every unit of work takes turns. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  /** Units of work running or waiting for their turn (the pool gauges on SQLite). */
  queued = 0;
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const next = this.tail.then(fn, fn).finally(() => {
      this.queued--;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export interface TxOptions {
  /** Extra attempts on deadlock / lock wait / RetryTransaction. */
  maxAttempts?: number;
}

/**
 * The one way to touch the database. `tx` runs a unit of work in a transaction,
 * joins an outer transaction when called inside one (so services compose), and
 * retries the whole unit on deadlocks, lock-wait timeouts and lost key races.
 * On SQLite every unit of work is serialised through a mutex; reads are too, except
 * on a better-sqlite3 file, where they use their own query-only connection.
 */
export class Database {
  private readonly als = new AsyncLocalStorage<Q>();
  private readonly mutex?: Mutex;
  readonly dialect: Dialect;
  /** better-sqlite3 (units of work on the connection directly) rather than sql.js (through TypeORM). */
  private readonly native: boolean;

  constructor(
    readonly dataSource: DataSource,
    private readonly defaults: {
      maxAttempts: number;
      acquireTimeoutMs?: number;
      metrics?: Pick<Metrics, 'dbRetry' | 'dbOverloaded'>;
    } = { maxAttempts: 6 },
  ) {
    const type = dataSource.options.type;
    this.dialect = type === 'sqljs' || type === 'better-sqlite3' ? 'sqlite' : 'mysql';
    this.native = type === 'better-sqlite3';
    if (this.dialect === 'sqlite') this.mutex = new Mutex();
  }

  async tx<T>(work: (q: Q) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    const outer = this.als.getStore();
    if (outer) return work(outer);
    const maxAttempts = opts.maxAttempts ?? this.defaults.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.serial(() => this.once(work));
      } catch (err) {
        if (attempt >= maxAttempts || !isRetryable(err) || isAppError(err)) throw this.counted(err);
        this.metrics.dbRetry(retryCode(err));
        // Jittered exponential backoff so the losers of a race do not collide again.
        const delay = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** One trivial round trip: throws when the database does not answer (health checks). */
  async ping(): Promise<void> {
    await this.read((q) => q.one('SELECT 1 AS ok'));
  }

  /** Runs reads outside a transaction (inside one when already in a transaction). */
  async read<T>(work: (q: Q) => Promise<T>): Promise<T> {
    const outer = this.als.getStore();
    if (outer) return work(outer);
    if (this.dialect === 'mysql') {
      // Reads change nothing, so a lost connection (killed, failed over) is simply tried again, like tx().
      for (let attempt = 1; ; attempt++) {
        try {
          return await onConnection(
            mysqlPool(this.dataSource),
            false,
            (q) => this.als.run(q, () => work(q)),
            this.defaults.acquireTimeoutMs,
          );
        } catch (err) {
          if (attempt >= this.defaults.maxAttempts || !isRetryable(err) || isAppError(err)) throw this.counted(err);
          this.metrics.dbRetry(retryCode(err));
          await new Promise((r) => setTimeout(r, Math.min(200, 2 ** attempt) * (0.5 + Math.random())));
        }
      }
    }
    if (this.native) {
      const reader = readerOf(this.dataSource);
      if (reader) {
        // Not in the mutex: the query-only connection sees the last commit, whatever
        // the writer is doing. A write in a read unit takes its turn on the writer.
        const q = new SqliteQ(writerOf(this.dataSource), reader, (fn) => this.serial(async () => fn()));
        const result = await this.als.run(q, () => work(q));
        await q.flush();
        return result;
      }
      return this.serial(async () => {
        const q = new SqliteQ(writerOf(this.dataSource));
        const result = await this.als.run(q, () => work(q));
        await q.flush();
        return result;
      });
    }
    return this.serial(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const q = new RunnerQ(this.dialect, runner);
        const result = await this.als.run(q, () => work(q));
        await q.flush();
        return result;
      } finally {
        await runner.release();
      }
    });
  }

  private get metrics(): Pick<Metrics, 'dbRetry' | 'dbOverloaded'> {
    return this.defaults.metrics ?? noMetrics;
  }

  /** Counts a refusal for want of a connection (the pool's OVERLOADED) on its way up. */
  private counted(err: unknown): unknown {
    if (isAppError(err) && err.code === 'OVERLOADED') this.metrics.dbOverloaded();
    return err;
  }

  /**
   * Connections held and idle, and units of work waiting for one, read at scrape
   * time. SQLite: the one writer, in use while a unit of work has its turn.
   */
  poolStats(): PoolStats {
    if (this.dialect === 'mysql') return poolStats(mysqlPool(this.dataSource));
    const queued = this.mutex?.queued ?? 0;
    return { inUse: Math.min(queued, 1), idle: queued > 0 ? 0 : 1, waiting: Math.max(0, queued - 1) };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.run(fn) : fn();
  }

  private async once<T>(work: (q: Q) => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql')
      return onConnection(
        mysqlPool(this.dataSource),
        true,
        (q) => this.als.run(q, () => work(q)),
        this.defaults.acquireTimeoutMs,
      );
    if (this.native) return sqliteTransaction(writerOf(this.dataSource), (q) => this.als.run(q, () => work(q)));
    const runner = this.dataSource.createQueryRunner();
    try {
      // SQLite: one connection, one transaction at a time (the mutex), so no isolation level to choose.
      await runner.startTransaction();
      const q = new RunnerQ(this.dialect, runner);
      const result = await this.als.run(q, () => work(q));
      await q.flush();
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw err;
    } finally {
      await runner.release();
    }
  }
}

/** `?, ?, ?` for an `IN (...)` or `VALUES (...)` list of n values. */
export const placeholders = (n: number): string => Array(n).fill('?').join(', ');

/**
 * Promise.all for work on one unit of work: waits for every promise, then throws
 * the first error. Promise.all would give up at the first error while the others
 * still have statements to send, and the unit of work would end under them. On
 * MySQL, statements issued together this way share round trips (mysql-pool.ts).
 */
export async function allOf<T extends readonly unknown[] | []>(
  work: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = (await Promise.allSettled(work)) as PromiseSettledResult<unknown>[];
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
