/** What the db layer tells callers about a failed statement, the same on both engines. */

/** Thrown by code that lost a race it can win by running again (e.g. a duplicate idempotency key). */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry transaction: ${reason}`);
  }
}

/**
 * A write handed to `Q.defer` failed. Deferred writes travel with a later statement
 * or the COMMIT, so without this wrapper their error would look like that later
 * statement's own (a duplicate key in a deferred ledger entry read as a duplicate
 * in the caller's insert, say, and answered as a replay). The wrapper carries no
 * driver code, so `isDuplicateKey` is false for it; the unit of work fails and is
 * rolled back, and is retried only when the cause itself is retryable (a deadlock).
 */
export class DeferredWriteError extends Error {
  constructor(
    /** The deferred statement that failed (without its values). */
    readonly sql: string,
    override readonly cause: unknown,
  ) {
    const first = sql.replace(/\s+/g, ' ').trim().slice(0, 80);
    super(`a deferred write failed (${first}): ${String((cause as { message?: string })?.message ?? cause)}`);
    this.name = 'DeferredWriteError';
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

/**
 * Retryable server errors by number (mysql2's `errno`), so an engine whose error
 * has no symbolic name in the driver is still classified: MySQL's 1213 (deadlock),
 * 1205 (lock wait), 1020 (row changed, ER_CHECKREAD), and TiDB's 8002 (SELECT FOR
 * UPDATE write conflict), 8005 (optimistic write conflict), 8022 (transaction
 * retry failed), 8028 (schema changed during the transaction) and 9007 (write
 * conflict in TiKV). Each rolled the transaction back, so the whole unit reruns.
 */
const RETRYABLE_ERRNO: ReadonlyMap<number, string> = new Map([
  [1213, 'deadlock'],
  [1205, 'lock_wait'],
  [1020, 'conflict'],
  [8002, 'conflict'],
  [8005, 'conflict'],
  [8022, 'conflict'],
  [8028, 'conflict'],
  [9007, 'conflict'],
]);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.driverError?.code ?? e?.code;
}

function errorNumber(err: unknown): number | undefined {
  const e = err as { errno?: unknown; driverError?: { errno?: unknown } } | undefined;
  const n = e?.driverError?.errno ?? e?.errno;
  return typeof n === 'number' ? n : undefined;
}

/** A unique key refused the statement's own row (never true for a deferred write's failure). */
export function isDuplicateKey(err: unknown): boolean {
  if (err instanceof DeferredWriteError) return false;
  const code = errorCode(err);
  if (code === 'ER_DUP_ENTRY') return true;
  const msg = String((err as { message?: string })?.message ?? '');
  return /UNIQUE constraint failed/.test(msg);
}

/**
 * Why a retryable error is retried, as a bounded metric label: `race` (a lost key
 * race, RetryTransaction), `deadlock`, `lock_wait`, `conflict` (ER_CHECKREAD, TiDB's write conflicts),
 * `busy` (SQLite's write lock held elsewhere), `connection` (a lost connection).
 */
export function retryCode(err: unknown): string {
  if (err instanceof RetryTransaction) return 'race';
  if (err instanceof DeferredWriteError) return retryCode(err.cause);
  const byNumber = RETRYABLE_ERRNO.get(errorNumber(err) ?? 0);
  if (byNumber) return byNumber;
  const code = errorCode(err);
  if (code === 'ER_LOCK_DEADLOCK') return 'deadlock';
  if (code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock_wait';
  if (code === 'ER_CHECKREAD') return 'conflict';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT') return 'busy';
  return 'connection';
}

/** Worth running the whole unit of work again: a lost race, a deadlock, a lost connection. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  if (err instanceof DeferredWriteError) return isRetryable(err.cause);
  const code = errorCode(err);
  // SQLite: another process held the write lock past busy_timeout (a second server on the file, a long backup step).
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT') return true;
  if (RETRYABLE_ERRNO.has(errorNumber(err) ?? 0)) return true;
  return code !== undefined && MYSQL_RETRYABLE.has(code);
}
