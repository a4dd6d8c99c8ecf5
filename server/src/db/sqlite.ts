import type { DataSource } from 'typeorm';
import type { Q, Step, StepResult } from './database';
import { DeferredWriteError } from './errors';

/**
 * The embedded engine: better-sqlite3 (SQLite compiled into the process, page-level
 * writes, a write-ahead log). TypeORM opens the writer connection and runs the
 * migrations on it; units of work then use the connection directly through `SqliteQ`
 * (better-sqlite3 is synchronous, so going through TypeORM's async runner only adds
 * promise hops). A file database also gets a second, query-only connection for
 * `Database.read`, so reads answer from the last commit while a unit of work holds
 * the writer across its awaits.
 */

/** The part of better-sqlite3's API used here (typed locally: the package is optional). */
export interface SqliteStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
export interface SqliteConnection {
  readonly open: boolean;
  readonly inTransaction: boolean;
  readonly memory: boolean;
  readonly name: string;
  prepare(sql: string): SqliteStatement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): unknown;
  close(): void;
  backup(
    destination: string,
    options?: { progress?: (info: { totalPages: number; remainingPages: number }) => number },
  ): Promise<{ totalPages: number; remainingPages: number }>;
}
export type SqliteConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
) => SqliteConnection;

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY (then retried by `tx`). */
export const BUSY_TIMEOUT_MS = 5000;

export type Synchronous = 'FULL' | 'NORMAL';

let loaded: SqliteConstructor | Error | undefined;

/**
 * better-sqlite3, or the reason it cannot be used. It is an optional dependency:
 * on a machine with no prebuilt binary and no compiler its build fails, npm drops
 * it, and the server falls back to sql.js (data-source.ts says so at start). The
 * probe opens a memory database because a package whose native part failed to
 * build still loads, and only fails when the first connection is opened.
 */
export function loadBetterSqlite3(): SqliteConstructor | Error {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native package, loaded only when present
      const ctor = require('better-sqlite3') as SqliteConstructor;
      new ctor(':memory:').close();
      loaded = ctor;
    } catch (err) {
      loaded = err instanceof Error ? err : new Error(String(err));
    }
  }
  return loaded;
}

/**
 * Pragmas for the writer connection, set at open (TypeORM's `prepareDatabase`).
 *
 * - `journal_mode = WAL`: a commit appends its pages to the log instead of
 *   rewriting the file, readers keep reading the last commit while a writer
 *   writes, and a crash mid-commit leaves the previous commit intact (the torn
 *   tail of the log is ignored on the next open).
 * - `synchronous = FULL` by default: every COMMIT waits for the log to reach the
 *   disk (one fsync). With NORMAL a commit is in the operating system's cache when
 *   it is acknowledged: it survives a process kill (SIGKILL, a crash, an OOM
 *   kill), but a power cut or kernel panic can lose the last commits (never the
 *   file's consistency). A till PC in a shop loses power more often than a
 *   server, and points promised to a customer must not vanish, so FULL; the group
 *   commit of check-ins shares one fsync among a whole batch, so it costs little.
 *   SQLITE_SYNCHRONOUS=NORMAL trades that for fewer fsyncs.
 * - `busy_timeout`: another process holding the write lock (a backup, a second
 *   server by mistake) is waited for instead of failing at once.
 * - `foreign_keys = ON` (TypeORM also sets it, and turns it off around migrations).
 * - `temp_store = MEMORY`, a 32 MB page cache: sorts and the hot ledger pages stay in memory.
 * - `journal_size_limit`: after a checkpoint the log is truncated to 64 MB, so a
 *   burst of writes does not leave a large file behind.
 */
export function prepareWriter(conn: SqliteConnection, synchronous: Synchronous): void {
  if (!conn.memory) conn.pragma('journal_mode = WAL');
  conn.pragma(`synchronous = ${synchronous}`);
  conn.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  conn.pragma('foreign_keys = ON');
  conn.pragma('temp_store = MEMORY');
  conn.pragma('cache_size = -32000');
  conn.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

/** The writer connection TypeORM opened (better-sqlite3 driver only). */
export function writerOf(ds: DataSource): SqliteConnection {
  return (ds.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
}

const readers = new WeakMap<DataSource, SqliteConnection | null>();

/**
 * The query-only connection for reads outside a transaction, opened on first use
 * and closed with the data source. None for a memory database (a second
 * connection to `:memory:` is another, empty, database): reads there take turns
 * with the writer.
 */
export function readerOf(ds: DataSource): SqliteConnection | null {
  if (readers.has(ds)) return readers.get(ds)!;
  const writer = writerOf(ds);
  let reader: SqliteConnection | null = null;
  if (!writer.memory) {
    const ctor = loadBetterSqlite3() as SqliteConstructor;
    reader = new ctor(writer.name, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    // query_only rather than a read-only open: a read-only open of a WAL file still
    // needs the shared-memory index and behaves differently when it is the last
    // connection open; query_only simply refuses writes, which is all that is wanted.
    reader.pragma('query_only = ON');
    reader.pragma('cache_size = -16000');
    reader.pragma('temp_store = MEMORY');
    const destroy = ds.destroy.bind(ds);
    ds.destroy = async () => {
      if (reader?.open) reader.close();
      readers.delete(ds);
      return destroy();
    };
  }
  readers.set(ds, reader);
  return reader;
}

// Prepared statements, per connection: stores send the same SQL again and again.
const CACHE_SIZE = 500;
const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
function prepare(conn: SqliteConnection, sql: string): SqliteStatement {
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = conn.prepare(sql);
    cache.set(sql, stmt);
    // Oldest first out: IN-lists of varying length must not grow the cache without bound.
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return stmt;
}

/**
 * A failed statement, as an Error of this realm carrying SQLite's code
 * (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY`, ...) and message, which is what
 * `isDuplicateKey` and `isRetryable` read. better-sqlite3's own SqliteError is not
 * always an `instanceof Error` here: the native addon keeps the constructor of the
 * first context that loaded it (a test runner's earlier sandbox, say).
 */
export class SqliteStatementError extends Error {
  readonly code: string | undefined;
  constructor(readonly driverError: unknown) {
    const e = driverError as { message?: unknown; code?: unknown } | null;
    super(String(e?.message ?? driverError));
    this.name = 'SqliteError';
    this.code = typeof e?.code === 'string' ? e.code : undefined;
  }
}
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new SqliteStatementError(err);
  }
}

/** better-sqlite3 binds neither booleans nor undefined; sql.js took them as 1/0 and NULL. */
const bind = (params: unknown[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * `Q` on better-sqlite3. Inside a transaction reads and writes go to the writer.
 * In `Database.read` on a file, reads go to the query-only connection and any
 * write (rare: a deferred write in a read unit, test DDL) runs on the writer in its
 * own autocommit transaction, in turn with the units of work (`writeTurn`), the
 * same as a write outside a transaction on a MySQL connection.
 */
export class SqliteQ implements Q {
  readonly dialect = 'sqlite' as const;
  private pending: Step[] = [];
  constructor(
    private readonly writer: SqliteConnection,
    private readonly reader: SqliteConnection = writer,
    private readonly writeTurn: <T>(fn: () => T) => Promise<T> = (fn) => Promise.resolve().then(fn),
  ) {}

  private async run<T>(sql: string, params: unknown[], use: (stmt: SqliteStatement) => T): Promise<T> {
    if (this.reader !== this.writer) {
      const stmt = guarded(() => prepare(this.reader, sql));
      if (stmt.readonly) return guarded(() => use(stmt));
      return this.writeTurn(() => guarded(() => use(prepare(this.writer, sql))));
    }
    return guarded(() => use(prepare(this.writer, sql)));
  }

  /**
   * Statements issued and not settled yet. One still running when the unit of work
   * ends was awaited by nobody: the COMMIT waits for it, and its failure fails the
   * unit, as on MySQL (mysql-pool.ts `finish`).
   */
  private inflight = new Set<Promise<unknown>>();
  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }
  /** Waits for the statements still in flight; throws the first one's error. */
  async settle(): Promise<void> {
    if (!this.inflight.size) return;
    for (const s of await Promise.allSettled([...this.inflight])) if (s.status === 'rejected') throw s.reason;
  }

  /** A statement after the deferred writes, tracked until it settles. */
  private issue<T>(sql: string, params: unknown[], use: (stmt: SqliteStatement) => T): Promise<T> {
    return this.track(this.flush().then(() => this.run(sql, params, use)));
  }

  all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.issue(sql, params, (s) => (s.reader ? (s.all(...bind(params)) as R[]) : (s.run(...bind(params)), [])));
  }
  async one<R>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.all<R>(sql, params))[0];
  }
  exec(sql: string, params: unknown[] = []): Promise<number> {
    return this.issue(sql, params, (s) => (s.reader ? (s.all(...bind(params)), 0) : s.run(...bind(params)).changes));
  }
  insert(sql: string, params: unknown[] = []): Promise<number> {
    return this.issue(sql, params, (s) => Number(s.run(...bind(params)).lastInsertRowid));
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
        await this.run(sql, params, (s) => s.run(...bind(params)));
      } catch (err) {
        this.pending = [];
        throw new DeferredWriteError(sql, err);
      }
    }
  }
  script(steps: Step[]): Promise<StepResult[]> {
    return this.track(this.runScript(steps));
  }
  private async runScript(steps: Step[]): Promise<StepResult[]> {
    await this.flush();
    const out: StepResult[] = [];
    for (const [sql, params = []] of steps) {
      out.push(
        await this.run(sql, params, (s) =>
          s.reader
            ? { rows: s.all(...bind(params)) as Record<string, unknown>[], affected: 0 }
            : { rows: [], affected: s.run(...bind(params)).changes },
        ),
      );
    }
    return out;
  }
}

/**
 * One unit of work in a transaction on the writer. BEGIN IMMEDIATE takes the write
 * lock at the start: a transaction that began as a reader and later tried to write
 * could fail with SQLITE_BUSY that no waiting resolves (another process's writer).
 */
export async function sqliteTransaction<T>(writer: SqliteConnection, work: (q: SqliteQ) => Promise<T>): Promise<T> {
  guarded(() => writer.exec('BEGIN IMMEDIATE'));
  try {
    const q = new SqliteQ(writer);
    const result = await work(q);
    await q.settle();
    await q.flush();
    guarded(() => writer.exec('COMMIT'));
    return result;
  } catch (err) {
    // SQLite rolls back by itself on some errors (disk full, I/O): only roll back what is still open.
    if (writer.inTransaction) writer.exec('ROLLBACK');
    throw err;
  }
}
