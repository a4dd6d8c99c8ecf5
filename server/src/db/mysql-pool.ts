import type { DataSource } from 'typeorm';
import type { Q } from './database';

/**
 * The MySQL path of `Database`: straight onto the mysql2 pool that TypeORM opened
 * (TypeORM still owns the connection options and the migrations). On the hot path
 * every round trip and allocation counts: a query runner per unit of work cost
 * more than the SQL itself, and the isolation level is set once per connection
 * rather than before every transaction.
 */
interface Conn {
  query(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown) => void): void;
  release(): void;
  destroy(): void;
}
interface Pool { getConnection(cb: (err: Error | null, conn: Conn) => void): void }
interface OkPacket { affectedRows: number; insertId: number }

const prepared = new WeakSet<Conn>();

function run<R>(conn: Conn, sql: string, params: unknown[] = []): Promise<R> {
  return new Promise((resolve, reject) => conn.query(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as R))));
}

class ConnQ implements Q {
  readonly dialect = 'mysql' as const;
  constructor(private readonly conn: Conn) {}
  all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return run<R[]>(this.conn, sql, params);
  }
  async one<R>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await run<R[]>(this.conn, sql, params))[0];
  }
  async exec(sql: string, params: unknown[] = []): Promise<number> {
    return (await run<OkPacket>(this.conn, sql, params)).affectedRows;
  }
  async insert(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await run<OkPacket>(this.conn, sql, params)).insertId);
  }
}

export function mysqlPool(ds: DataSource): Pool {
  const pool = (ds.driver as unknown as { pool?: Pool }).pool;
  if (!pool) throw new Error('the MySQL data source is not initialised');
  return pool;
}

/** Runs `work` on one pooled connection, in a READ COMMITTED transaction when `tx`. */
export async function onConnection<T>(pool: Pool, tx: boolean, work: (q: Q) => Promise<T>): Promise<T> {
  const conn = await new Promise<Conn>((resolve, reject) => pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
  let broken = false;
  try {
    if (tx && !prepared.has(conn)) {
      // READ COMMITTED: every statement sees the latest committed rows, so state read
      // after taking a row lock is current (REPEATABLE READ would show a stale snapshot).
      await run(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      prepared.add(conn);
    }
    if (!tx) return await work(new ConnQ(conn));
    await run(conn, 'START TRANSACTION');
    try {
      const result = await work(new ConnQ(conn));
      await run(conn, 'COMMIT');
      return result;
    } catch (err) {
      await run(conn, 'ROLLBACK').catch(() => { broken = true; });
      throw err;
    }
  } catch (err) {
    const fatal = (err as { fatal?: boolean }).fatal;
    if (fatal) broken = true;
    throw err;
  } finally {
    // A connection that lost its transaction state is not handed to the next caller.
    if (broken) conn.destroy();
    else conn.release();
  }
}
