/**
 * Every piece of SQL that differs between MySQL/MariaDB and SQLite, in one place.
 * Stores write one statement and splice these fragments in, so a query reads the
 * same on both engines and no `dialect === ...` branch lives outside `db/`.
 * Each helper takes the dialect (`q.dialect`) and returns a SQL fragment; none
 * takes user input, so the fragments are safe to interpolate.
 */

export type Dialect = 'mysql' | 'sqlite';

/** `INSERT IGNORE` / `INSERT OR IGNORE`: insert unless a unique key already holds the row. */
export const insertIgnore = (d: Dialect): string => (d === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE');

/**
 * The tail of an `INSERT ... VALUES (...)` that adds the inserted value of `column`
 * to the existing row when `keyCols` already exist (a counter upsert). The upsert
 * takes the row's exclusive lock at once, unlike "insert ignore, then update".
 */
export const onConflictAdd = (d: Dialect, keyCols: readonly string[], column: string): string =>
  d === 'mysql'
    ? ` ON DUPLICATE KEY UPDATE ${column} = ${column} + VALUES(${column})`
    : ` ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET ${column} = ${column} + excluded.${column}`;

/**
 * The tail of an `INSERT ... VALUES (...)` that overwrites `columns` of the row
 * already holding `keyCols` with the inserted values (the last write wins). Used
 * instead of `REPLACE INTO`, which deletes and reinserts: a new auto-increment id,
 * delete triggers and, on TiDB and Vitess, two writes where one suffices.
 */
export const onConflictSet = (d: Dialect, keyCols: readonly string[], columns: readonly string[]): string =>
  d === 'mysql'
    ? ` ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`
    : ` ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/**
 * ` FOR UPDATE` after a SELECT that must lock its rows until the commit. SQLite has
 * one writer at a time (the whole database is the lock), so there it is empty.
 */
export const forUpdate = (d: Dialect): string => (d === 'mysql' ? ' FOR UPDATE' : '');

/**
 * ` FOR UPDATE SKIP LOCKED` for a claim query (several workers take disjoint rows).
 * Never the only guard: TiDB parses it but takes no lock, so claims stay
 * compare-and-set on a lease. Empty on SQLite (one writer at a time).
 */
export const forUpdateSkipLocked = (d: Dialect): string => (d === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '');

/**
 * The database's own clock as epoch milliseconds, for leases: every instance
 * compares against one clock, so a skewed server clock cannot steal a lease.
 */
export const nowMs = (d: Dialect): string =>
  d === 'mysql'
    ? 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)'
    : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/**
 * One bounded batch of a retention delete: at most `limit` rows matching `where`,
 * taken in `orderBy` order (an indexed time column, so the statement walks the
 * index from its oldest end and locks only what it deletes). MySQL, TiDB and
 * Vitess take `DELETE ... ORDER BY ... LIMIT` on one table; SQLite (built without
 * that option) gets the same rows through a rowid subselect. `table`, `where` and
 * `orderBy` come from the owning store's own text, never from input.
 */
export const deleteBatch = (d: Dialect, table: string, where: string, orderBy: string, limit: number): string => {
  const n = Math.max(1, Math.floor(limit));
  return d === 'mysql'
    ? `DELETE FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT ${n}`
    : `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT ${n})`;
};

/**
 * A SELECT bounded in time (operator reads that must not hold a server): MySQL
 * takes the `MAX_EXECUTION_TIME` optimizer hint, MariaDB ignores it and takes
 * `SET STATEMENT max_statement_time=<seconds> FOR`, written in a MariaDB-only
 * executable comment that MySQL reads as a comment. SQLite has no such limit.
 * `select` is the store's own text, starting with SELECT.
 */
export const boundedSelect = (d: Dialect, ms: number, select: string): string => {
  if (d !== 'mysql') return select;
  const n = Math.max(1, Math.floor(ms));
  return `/*M!100108 SET STATEMENT max_statement_time=${n / 1000} FOR */ ${select.replace(/^\s*SELECT\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${n}) */`)}`;
};

/**
 * The whole number of `stepMs` steps from a bound base (one `?`) to a time
 * column, for grouping rows by day in one pass. SQLite may bind the base as a
 * real number: its quotient is cast back to an integer.
 */
export const stepsFrom = (d: Dialect, column: string, stepMs: number): string =>
  d === 'mysql' ? `(${column} - ?) DIV ${stepMs}` : `CAST((${column} - ?) / ${stepMs} AS INTEGER)`;

/** The helpers above as one namespace: `sql.insertIgnore(q.dialect)`. */
export const sql = {
  insertIgnore,
  onConflictAdd,
  onConflictSet,
  forUpdate,
  forUpdateSkipLocked,
  nowMs,
  deleteBatch,
  boundedSelect,
};
