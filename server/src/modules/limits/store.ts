import type { Q, Step } from '../../db/database';
import { placeholders } from '../../db/database';
import { onConflictAdd } from '../../db/dialect';

/**
 * rate_windows: one counter per (scope, subject, source, window start), shared by
 * every server instance. Only this file names the table.
 */

/** One window's counter. `expiresAt` is the window's end: after it the row is only history. */
export interface WindowKey {
  scope: string;
  subject: string;
  source: string;
  windowStart: number;
  expiresAt: number;
}

const KEY_COLS = ['scope', 'subject', 'source', 'window_start'] as const;

/**
 * Sorted and de-duplicated, so two statements that add to the same rows lock
 * them in the same order and cannot deadlock each other.
 */
function ordered(keys: WindowKey[]): WindowKey[] {
  const id = (k: WindowKey) => `${k.scope}\u0000${k.subject}\u0000${k.source}\u0000${k.windowStart}`;
  const byKey = new Map(keys.map((k) => [id(k), k]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** One upsert adding 1 to each counter (rows created at 1). */
function addStep(q: Q, keys: WindowKey[]): Step {
  const rows = ordered(keys);
  return [
    `INSERT INTO rate_windows (scope, subject, source, window_start, expires_at, hits) VALUES ${rows
      .map(() => `(${placeholders(6)})`)
      .join(', ')}${onConflictAdd(q.dialect, KEY_COLS, 'hits')}`,
    rows.flatMap((k) => [k.scope, k.subject, k.source, k.windowStart, k.expiresAt, 1]),
  ];
}

/**
 * One SELECT of every counter named, each a primary-key lookup tagged with its
 * position. Rows are matched to keys by that tag, never by comparing the stored
 * text: MySQL's collation treats "Clerk", "clerk " and "clérk" as one key, so the
 * upsert counts them in one row, and the read must find that row for each.
 */
function readStep(keys: WindowKey[]): Step {
  return [
    keys
      .map(
        (_, i) =>
          `SELECT ${i} AS i, hits FROM rate_windows WHERE scope = ? AND subject = ? AND source = ? AND window_start = ?`,
      )
      .join(' UNION ALL '),
    keys.flatMap((k) => [k.scope, k.subject, k.source, k.windowStart]),
  ];
}

/**
 * Adds 1 to each of `add`, then reads `add` and `read` back: two statements in
 * one script (one round trip on MySQL). Returns the hits of each, in the order
 * given (`add` then `read`); a counter without a row has 0.
 */
export async function addAndRead(q: Q, add: WindowKey[], read: WindowKey[]): Promise<number[]> {
  const all = [...add, ...read];
  if (!all.length) return [];
  const steps: Step[] = add.length ? [addStep(q, add), readStep(all)] : [readStep(all)];
  const results = await q.script(steps);
  const hits = all.map(() => 0);
  for (const r of results[results.length - 1].rows) hits[Number(r.i)] = Number(r.hits);
  return hits;
}

/** Adds 1 to each counter in the caller's transaction, sent with its next statement or COMMIT (no round trip of its own). */
export async function addLater(q: Q, keys: WindowKey[]): Promise<void> {
  if (keys.length) await q.defer([addStep(q, keys)]);
}

/** Adds 1 to each counter: one statement. */
export async function add(q: Q, keys: WindowKey[]): Promise<void> {
  if (!keys.length) return;
  const [sql, params] = addStep(q, keys);
  await q.exec(sql, params);
}

/** Deletes every window of `subject` in these scopes (an operator's unlock); returns rows deleted. */
export function clearSubject(q: Q, scopes: readonly string[], subject: string): Promise<number> {
  return q.exec(`DELETE FROM rate_windows WHERE scope IN (${placeholders(scopes.length)}) AND subject = ?`, [
    ...scopes,
    subject,
  ]);
}

/** Deletes one window's counter (a correct password forgives that address's failures). */
export function clearWindow(q: Q, k: WindowKey): Promise<number> {
  return q.exec('DELETE FROM rate_windows WHERE scope = ? AND subject = ? AND source = ? AND window_start = ?', [
    k.scope,
    k.subject,
    k.source,
    k.windowStart,
  ]);
}

/**
 * Deletes at most about `chunk` windows that ended before `now`, oldest first:
 * the chunk's last end time is found by index, then everything up to it goes
 * (ties on that end time may add a few rows). Returns rows deleted.
 */
export async function purgeEnded(q: Q, now: number, chunk: number): Promise<number> {
  const edge = await q.one<{ expires_at: number | string }>(
    'SELECT expires_at FROM rate_windows WHERE expires_at < ? ORDER BY expires_at LIMIT 1 OFFSET ?',
    [now, chunk - 1],
  );
  if (edge) return q.exec('DELETE FROM rate_windows WHERE expires_at <= ?', [Number(edge.expires_at)]);
  return q.exec('DELETE FROM rate_windows WHERE expires_at < ?', [now]);
}

/** Every counter of a subject, for tests and support: scope, source, window start, hits. */
export function windowsOf(q: Q, subject: string) {
  return q.all<{ scope: string; source: string; window_start: number; hits: number }>(
    'SELECT scope, source, window_start, hits FROM rate_windows WHERE subject = ? ORDER BY scope, source, window_start',
    [subject],
  );
}
