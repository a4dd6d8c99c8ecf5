import type { DataSource } from 'typeorm';
import type { Q, Step, StepResult } from './database';
import { DeferredWriteError } from './errors';
import { AppError } from '../core/errors';
import type { PoolStats } from '../core/metrics';

/**
 * The MySQL path of `Database`: straight onto the mysql2 pool that TypeORM opened
 * (TypeORM still owns the connection options and the migrations). On the hot path
 * every round trip and allocation counts: a query runner per unit of work cost
 * more than the SQL itself, and the isolation level is set once per connection
 * rather than before every transaction. START TRANSACTION goes out with the
 * first statement of the unit of work, and `script` sends statements that do not
 * need each other's results together: round trips, not SQL, were what the
 * database server and this process spent their time on (socket writes).
 */
interface Conn {
  query(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown) => void): Command;
  format(sql: string, params: unknown[]): string;
  release(): void;
  destroy(): void;
}
interface Pool {
  getConnection(cb: (err: Error | null, conn: Conn) => void): void;
}
interface OkPacket {
  affectedRows: number;
  insertId: number;
}

/**
 * The driver's query command. In a multi-statement round trip the server stops at
 * the first failing statement, and mysql2 counts the statements it has finished
 * in `_resultIndex` (internal, pinned by db/database.test.ts): on an error it is
 * the index of the statement that failed.
 */
interface Command {
  _resultIndex?: number;
}

const prepared = new WeakSet<Conn>();
/** Which statement of its round trip a statement error came from. */
const failedAt = new WeakMap<object, number>();

function run<R>(conn: Conn, sql: string, params: unknown[] = []): Promise<R> {
  return new Promise((resolve, reject) => {
    let cmd: Command | undefined = undefined;
    cmd = conn.query(sql, params, (err, rows) => {
      if (!err) return resolve(rows as R);
      if (typeof cmd?._resultIndex === 'number') failedAt.set(err, cmd._resultIndex);
      reject(err);
    });
  });
}

/** A statement waiting to go ahead of the next one: START TRANSACTION, or a deferred write (`sql` set). */
interface Pending {
  text: string;
  deferred?: string;
}

/** A statement (or a script of `statements`) waiting for the end of the current microtask turn. */
interface Waiting {
  sql: string;
  params: unknown[];
  statements: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

class ConnQ implements Q {
  readonly dialect = 'mysql' as const;
  /** Statements waiting to go ahead of the next one, in the same round trip (START TRANSACTION, deferred writes). */
  private pending: Pending[];
  /** Statements issued in this turn of the event loop, sent together when it ends. */
  private waiting: Waiting[] = [];
  /** Set when the unit of work ended: a statement issued after that must not reach a connection back in the pool. */
  private ended = false;
  constructor(
    private readonly conn: Conn,
    lead: string | null = null,
  ) {
    this.pending = lead === null ? [] : [{ text: lead }];
  }

  /**
   * Sends `statements` statements (more than one: a script), with the pending ones
   * ahead. Statements issued together (reads started with `allOf`) go in one round
   * trip: independent reads cost one round trip, not one each. The batch is sent
   * once the promise jobs that are ready have run (process.nextTick), so reads
   * a step or two down a chain of awaits still join it. Statements of one batch
   * fail together: when one fails, each of them rejects with its error.
   */
  private send<R>(sql: string, params: unknown[], statements = 1): Promise<R> {
    if (this.ended) return Promise.reject(new Error('statement issued after its unit of work ended'));
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ sql, params, statements, resolve: resolve as (v: unknown) => void, reject });
      if (this.waiting.length === 1) process.nextTick(() => this.flushWaiting());
    });
  }

  private flushWaiting(): void {
    if (!this.waiting.length) return;
    const batch = this.waiting;
    this.waiting = [];
    const ahead = this.pending;
    this.pending = [];
    // Nobody awaits this promise; each statement's own promise carries its error.
    this.together(ahead, batch, []).catch(() => undefined);
  }

  /**
   * One round trip: `ahead` (pending statements), the waiting `batch`, then `tail`
   * (a COMMIT). Each waiting statement gets its own result; on an error all of them,
   * and the returned promise, reject with it (a deferred write's failure named as such).
   */
  private async together(ahead: Pending[], batch: Waiting[], tail: string[]): Promise<void> {
    const texts = [...ahead.map((p) => p.text), ...batch.map((w) => this.conn.format(w.sql, w.params)), ...tail];
    const statements = ahead.length + tail.length + batch.reduce((n, w) => n + w.statements, 0);
    let res: unknown;
    try {
      res = await run<unknown>(this.conn, texts.join(';\n'));
    } catch (err) {
      const e = blame(err, ahead);
      for (const w of batch) w.reject(e);
      throw e;
    }
    // One statement in all answers its result alone; several answer an array, one result each.
    const each = statements === 1 ? [res] : (res as unknown[]);
    let at = ahead.length;
    for (const w of batch) {
      w.resolve(w.statements === 1 ? each[at] : each.slice(at, at + w.statements));
      at += w.statements;
    }
  }

  defer(steps: Step[]): Promise<void> {
    for (const [sql, params = []] of steps) this.pending.push({ text: this.conn.format(sql, params), deferred: sql });
    return Promise.resolve();
  }

  /** After a failed unit of work: statements not sent yet are refused, never sent after its ROLLBACK. */
  close(): void {
    this.ended = true;
    const left = this.waiting;
    this.waiting = [];
    for (const w of left) w.reject(new Error('statement issued after its unit of work ended'));
  }

  /**
   * Ends the unit of work: the pending statements, any statement issued but not
   * awaited yet, then `last` (COMMIT) when given, all in one round trip. The
   * server stops at the first failing statement, so a failed write never has a
   * COMMIT behind it: the error fails the unit of work, which rolls back.
   */
  async finish(last: string | null): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.ended = true;
    const ahead = this.pending;
    this.pending = [];
    if (!ahead.length && !batch.length && last === null) return;
    await this.together(ahead, batch, last === null ? [] : [last]);
  }

  all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.send<R[]>(sql, params);
  }
  async one<R>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.send<R[]>(sql, params))[0];
  }
  async exec(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.send<OkPacket>(sql, params)).affectedRows;
  }
  async insert(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.send<OkPacket>(sql, params)).insertId);
  }
  async script(steps: Step[]): Promise<StepResult[]> {
    if (!steps.length) return [];
    // Formatted by the driver (values escaped exactly as for a single query), then joined.
    const text = steps.map(([sql, params = []]) => this.conn.format(sql, params)).join(';\n');
    const res = await this.send<unknown>(text, [], steps.length);
    const each = steps.length === 1 ? [res] : (res as unknown[]);
    return each.map((r) =>
      Array.isArray(r)
        ? { rows: r as Record<string, unknown>[], affected: 0 }
        : { rows: [], affected: (r as OkPacket).affectedRows },
    );
  }
}

/**
 * The error of a round trip that carried pending statements: when the failing
 * statement was a deferred write, a DeferredWriteError naming it, so it cannot pass
 * for the error of the statement it rode with. A lost connection is nobody's
 * statement and stays as it is (fatal, retried).
 */
function blame(err: unknown, ahead: Pending[]): unknown {
  if (typeof err !== 'object' || err === null || (err as { fatal?: boolean }).fatal) return err;
  const at = failedAt.get(err);
  const deferred = at === undefined ? undefined : ahead[at]?.deferred;
  if (deferred === undefined) return err;
  return new DeferredWriteError(deferred, err);
}

/** Units of work holding, and waiting for, a connection of each pool: counted here, read at scrape time. */
const usage = new WeakMap<Pool, { inUse: number; waiting: number }>();
function usageOf(pool: Pool): { inUse: number; waiting: number } {
  let u = usage.get(pool);
  if (!u) usage.set(pool, (u = { inUse: 0, waiting: 0 }));
  return u;
}

/** The pool's gauges; idle connections come from mysql2's free list (internal, read defensively). */
export function poolStats(pool: Pool): PoolStats {
  const u = usageOf(pool);
  const free = (pool as { _freeConnections?: { length?: number } })._freeConnections?.length;
  return { inUse: u.inUse, idle: typeof free === 'number' ? free : 0, waiting: u.waiting };
}

export function mysqlPool(ds: DataSource): Pool {
  const pool = (ds.driver as unknown as { pool?: Pool }).pool;
  if (!pool) throw new Error('the MySQL data source is not initialised');
  return pool;
}

/**
 * A pooled connection, or OVERLOADED (503) when none frees up within
 * `timeoutMs` or the pool's wait queue is full (DB_QUEUE_LIMIT): under overload
 * a request is refused quickly rather than queued behind minutes of others.
 * A connection handed over after the caller gave up goes straight back.
 */
function acquire(pool: Pool, timeoutMs: number): Promise<Conn> {
  const u = usageOf(pool);
  u.waiting++;
  return new Promise<Conn>((resolve, reject) => {
    let settled = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            settled = true;
            u.waiting--;
            reject(new AppError('OVERLOADED', undefined, { waitedMs: timeoutMs }));
          }, timeoutMs)
        : null;
    pool.getConnection((err, c) => {
      if (timer) clearTimeout(timer);
      if (settled) {
        if (!err) c.release();
        return;
      }
      settled = true;
      u.waiting--;
      if (err && err.message === 'Queue limit reached.') reject(new AppError('OVERLOADED'));
      else if (err) reject(err);
      else resolve(c);
    });
  });
}

/** Runs `work` on one pooled connection, in a READ COMMITTED transaction when `tx`. */
export async function onConnection<T>(
  pool: Pool,
  tx: boolean,
  work: (q: Q) => Promise<T>,
  acquireTimeoutMs = 0,
): Promise<T> {
  const conn = await acquire(pool, acquireTimeoutMs);
  const u = usageOf(pool);
  u.inUse++;
  let broken = false;
  let q: ConnQ | null = null;
  try {
    if (tx && !prepared.has(conn)) {
      // READ COMMITTED: every statement sees the latest committed rows, so state read
      // after taking a row lock is current (REPEATABLE READ would show a stale snapshot).
      await run(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      prepared.add(conn);
    }
    if (!tx) {
      q = new ConnQ(conn);
      const result = await work(q);
      await q.finish(null);
      return result;
    }
    try {
      // A unit of work that sends nothing never starts its transaction; its COMMIT is a no-op.
      q = new ConnQ(conn, 'START TRANSACTION');
      const result = await work(q);
      await q.finish('COMMIT');
      return result;
    } catch (err) {
      q?.close();
      await run(conn, 'ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    }
  } catch (err) {
    const fatal = (err as { fatal?: boolean }).fatal;
    if (fatal) broken = true;
    throw err;
  } finally {
    q?.close();
    u.inUse--;
    // A connection that lost its transaction state is not handed to the next caller.
    if (broken) conn.destroy();
    else conn.release();
  }
}
