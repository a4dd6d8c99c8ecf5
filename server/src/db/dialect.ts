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

/** The helpers above as one namespace: `sql.insertIgnore(q.dialect)`. */
export const sql = { insertIgnore, onConflictAdd, forUpdate, forUpdateSkipLocked, nowMs };
