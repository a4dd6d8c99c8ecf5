import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { isAppError } from '../core/errors';
import type { Dialect } from './dialect';
import { mysqlPool, onConnection } from './mysql-pool';

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
   * Writes whose results nobody needs, held back and sent with the next statement
   * or with the COMMIT (at once on SQLite). An error in them fails whatever they
   * were sent with, and so the unit of work: use it only for writes that cannot
   * fail for a reason the caller would want to handle.
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

/** Thrown by code that lost a race it can win by running again (e.g. a duplicate idempotency key). */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry transaction: ${reason}`);
  }
}

// Lost connections are retried too: the database rolled the transaction back, and
// if the loss hit the COMMIT itself, every unit of work here is idempotent on its key.
const MYSQL_RETRYABLE = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CHECKREAD',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_SERVER_SHUTDOWN',
]);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

export function isDuplicateKey(err: unknown): boolean {
  const code = errorCode(err);
  if (code === 'ER_DUP_ENTRY') return true;
  const msg = String((err as { message?: string })?.message ?? '');
  return /UNIQUE constraint failed/.test(msg);
}

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  const code = errorCode(err);
  return code !== undefined && MYSQL_RETRYABLE.has(code);
}

class RunnerQ implements Q {
  constructor(
    readonly dialect: Dialect,
    private readonly runner: QueryRunner,
  ) {}
  async all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.runner.query(sql, params)) as R[];
  }
  async one<R>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.all<R>(sql, params))[0];
  }
  async exec(sql: string, params: unknown[] = []): Promise<number> {
    const res = await this.runner.query(sql, params, true);
    return res.affected ?? 0;
  }
  async insert(sql: string, params: unknown[] = []): Promise<number> {
    const res = await this.runner.query(sql, params, true);
    if (this.dialect === 'mysql') return Number((res.raw as { insertId: number }).insertId);
    const row = (await this.runner.query('SELECT last_insert_rowid() AS id'))[0] as { id: number };
    return Number(row.id);
  }
  async defer(steps: Step[]): Promise<void> {
    await this.script(steps);
  }
  async script(steps: Step[]): Promise<StepResult[]> {
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

/** Promise-chain mutex: SQLite has one connection, so every unit of work takes turns. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
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
 * On SQLite every unit of work, reads included, is serialised through a mutex.
 */
export class Database {
  private readonly als = new AsyncLocalStorage<Q>();
  private readonly mutex?: Mutex;
  readonly dialect: Dialect;

  constructor(
    readonly dataSource: DataSource,
    private readonly defaults: { maxAttempts: number } = { maxAttempts: 6 },
  ) {
    this.dialect = dataSource.options.type === 'sqljs' ? 'sqlite' : 'mysql';
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
        if (attempt >= maxAttempts || !isRetryable(err) || isAppError(err)) throw err;
        // Jittered exponential backoff so the losers of a race do not collide again.
        const delay = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Runs reads outside a transaction (inside one when already in a transaction). */
  async read<T>(work: (q: Q) => Promise<T>): Promise<T> {
    const outer = this.als.getStore();
    if (outer) return work(outer);
    if (this.dialect === 'mysql') {
      // Reads change nothing, so a lost connection (killed, failed over) is simply tried again, like tx().
      for (let attempt = 1; ; attempt++) {
        try {
          return await onConnection(mysqlPool(this.dataSource), false, (q) => this.als.run(q, () => work(q)));
        } catch (err) {
          if (attempt >= this.defaults.maxAttempts || !isRetryable(err) || isAppError(err)) throw err;
          await new Promise((r) => setTimeout(r, Math.min(200, 2 ** attempt) * (0.5 + Math.random())));
        }
      }
    }
    return this.serial(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const q = new RunnerQ(this.dialect, runner);
        return await this.als.run(q, () => work(q));
      } finally {
        await runner.release();
      }
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.run(fn) : fn();
  }

  private async once<T>(work: (q: Q) => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql')
      return onConnection(mysqlPool(this.dataSource), true, (q) => this.als.run(q, () => work(q)));
    const runner = this.dataSource.createQueryRunner();
    try {
      // SQLite: one connection, one transaction at a time (the mutex), so no isolation level to choose.
      await runner.startTransaction();
      const q = new RunnerQ(this.dialect, runner);
      const result = await this.als.run(q, () => work(q));
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
