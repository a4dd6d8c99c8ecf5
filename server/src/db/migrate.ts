import { MigrationExecutor, type DataSource } from 'typeorm';

/**
 * Applying migrations as a release step (`npm run migrate`) and checking them on
 * start. Several migrators may run at once (a deploy starting N instances, a CI
 * job retried): each waits for a lock, then applies what is still pending, so the
 * schema is applied exactly once and the others find nothing to do.
 */

/**
 * The MySQL advisory lock: its names are per database server, so the schema's name
 * is part of it (migrators of other databases on the same server do not wait).
 * MySQL allows 64 characters.
 */
const LOCK_NAME = "LEFT(CONCAT('huiyuan_migrate:', DATABASE()), 64)";

export interface MigrateResult {
  /** Names of the migrations this call applied (empty when another migrator had already done it). */
  applied: string[];
}

export class SchemaNotReady extends Error {
  constructor(readonly pending: string[]) {
    super(
      pending.length === 1 && pending[0] === '*'
        ? 'The database has no schema yet: run `npm run migrate` (or start with MIGRATE_ON_START=1)'
        : `The database schema is behind this build (${pending.length} pending: ${pending.join(', ')}): run \`npm run migrate\``,
    );
    this.name = 'SchemaNotReady';
  }
}

export async function migrate(ds: DataSource, opts: { lockTimeoutS?: number } = {}): Promise<MigrateResult> {
  const type = ds.options.type;
  if (type === 'mysql' || type === 'mariadb') return withMysqlLock(ds, opts.lockTimeoutS ?? 600, () => apply(ds));
  if (type === 'better-sqlite3') return withSqliteWriteLock(ds, () => apply(ds, 'none'));
  // sql.js keeps the whole file in this process's memory and writes it back whole:
  // there is no lock to share with another process, and no second process may
  // open the file anyway. In-process the callers are sequential (start, then serve).
  return apply(ds);
}

async function apply(ds: DataSource, transaction: 'each' | 'none' = 'each'): Promise<MigrateResult> {
  const done = await ds.runMigrations({ transaction });
  return { applied: done.map((m) => m.name) };
}

/**
 * GET_LOCK on a connection held for the whole run. This is the one place the
 * project uses an advisory lock rather than a lease row: a lease row needs a table
 * before the first migration, and a migrator killed half-way would hold it until
 * it expired; GET_LOCK is released by the server the moment its connection dies.
 * It serialises only migrators, never requests. (MySQL DDL commits implicitly, so
 * a migration must still be written to be safe to re-run after a crash.)
 */
async function withMysqlLock<T>(ds: DataSource, timeoutS: number, work: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    const rows = (await runner.query(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS got`, [timeoutS])) as {
      got: number | null;
    }[];
    if (Number(rows[0]?.got) !== 1)
      throw new Error(`Another migration held the lock for over ${timeoutS} s (MIGRATE_LOCK_TIMEOUT_S); try again`);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/**
 * SQLite's own lock: BEGIN IMMEDIATE takes the database's write lock (other
 * processes wait for it, up to busy_timeout), and the check of what is pending
 * and every migration run inside that one transaction, so a crash leaves either
 * all of them or none (SQLite DDL is transactional).
 */
async function withSqliteWriteLock<T>(ds: DataSource, work: () => Promise<T>): Promise<T> {
  await ds.query('BEGIN IMMEDIATE');
  try {
    const out = await work();
    await ds.query('COMMIT');
    return out;
  } catch (err) {
    await ds.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Throws SchemaNotReady when migrations of this build have not been applied. A
 * database ahead of the build (a newer release migrated first, as in a rolling
 * deploy) is accepted: migrations only add, so the old code still runs on it.
 */
export async function assertMigrated(ds: DataSource): Promise<void> {
  const executor = new MigrationExecutor(ds);
  const executed = await executor.getExecutedMigrations();
  if (!executed.length) throw new SchemaNotReady(['*']);
  const pending = await executor.getPendingMigrations();
  if (pending.length) throw new SchemaNotReady(pending.map((m) => m.name));
}
