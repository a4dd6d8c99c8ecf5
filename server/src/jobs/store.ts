import type { Q } from '../db/database';
import { sql } from '../db/dialect';

/** All SQL on job_leases and job_runs: the runner's own tables. */

export interface RunRow {
  id: number;
  job: string;
  run_key: string;
  status: string;
  processed: number;
  resume_cursor: string | null;
  detail: string | null;
  triggered_by: string;
  started_at: number;
  finished_at: number | null;
}

/**
 * Takes the lease on a job for `leaseMs` past the database's clock: a
 * compare-and-set on the job's row, true when `owner` holds it now. Only a free
 * or lapsed lease is taken (one clock for every instance, so a server whose
 * clock runs ahead cannot take a live lease). The row is made on first use.
 */
export async function takeLease(q: Q, name: string, owner: string, leaseMs: number): Promise<boolean> {
  await q.exec(`${sql.insertIgnore(q.dialect)} INTO job_leases (name, owner, lease_until) VALUES (?, '', 0)`, [name]);
  const db = sql.nowMs(q.dialect);
  return (
    (await q.exec(
      `UPDATE job_leases SET owner = ?, lease_until = ${db} + ? WHERE name = ? AND (lease_until < ${db} OR owner = ?)`,
      [owner, leaseMs, name, owner],
    )) === 1
  );
}

/**
 * Extends `owner`'s lease by `leaseMs` past the database's clock. False when
 * another owner took it: the job has lost it and must stop.
 */
export async function renewLease(q: Q, name: string, owner: string, leaseMs: number): Promise<boolean> {
  return (
    (await q.exec(`UPDATE job_leases SET lease_until = ${sql.nowMs(q.dialect)} + ? WHERE name = ? AND owner = ?`, [
      leaseMs,
      name,
      owner,
    ])) === 1
  );
}

/** Gives the lease back; only its owner can. */
export async function releaseLease(q: Q, name: string, owner: string): Promise<void> {
  await q.exec("UPDATE job_leases SET owner = '', lease_until = 0 WHERE name = ? AND owner = ?", [name, owner]);
}

export async function runByKey(q: Q, runKey: string): Promise<RunRow | undefined> {
  return q.one<RunRow>('SELECT * FROM job_runs WHERE run_key = ?', [runKey]);
}

/** Whether the run of `runKey` has ended (done or failed): the scheduler starts it no more that day. */
export async function runEnded(q: Q, runKey: string): Promise<boolean> {
  return !!(await q.one("SELECT id FROM job_runs WHERE run_key = ? AND status IN ('done', 'failed')", [runKey]));
}

/** A new running run; a duplicate run key throws (another instance opened it first). */
export async function insertRun(q: Q, job: string, runKey: string, triggeredBy: string, now: number): Promise<number> {
  return q.insert(
    "INSERT INTO job_runs (job, run_key, status, processed, triggered_by, started_at) VALUES (?, ?, 'running', 0, ?, ?)",
    [job, runKey, triggeredBy, now],
  );
}

export async function checkpointRun(q: Q, id: number, cursor: string, processed: number): Promise<void> {
  await q.exec("UPDATE job_runs SET resume_cursor = ?, processed = ? WHERE id = ? AND status = 'running'", [
    cursor,
    processed,
    id,
  ]);
}

/** Records the run done; a run already done stays as it was (0 affected): a run is recorded once. */
export async function finishRun(q: Q, id: number, processed: number, detail: string, now: number): Promise<number> {
  return q.exec(
    "UPDATE job_runs SET status = 'done', processed = ?, detail = ?, finished_at = ? WHERE id = ? AND status <> 'done'",
    [processed, detail, now, id],
  );
}

export async function failRun(q: Q, id: number, detail: string, now: number): Promise<number> {
  return q.exec(
    "UPDATE job_runs SET status = 'failed', detail = ?, finished_at = ? WHERE id = ? AND status <> 'done'",
    [detail, now, id],
  );
}

export async function runById(q: Q, id: number): Promise<RunRow | undefined> {
  return q.one<RunRow>('SELECT * FROM job_runs WHERE id = ?', [id]);
}

/** Run ids newest first below `before`, of one job or all, at most `limit`. */
export async function runIdsBefore(q: Q, before: number, job: string | undefined, limit: number): Promise<number[]> {
  const rows = await q.all<{ id: number }>(
    `SELECT id FROM job_runs WHERE id < ?${job ? ' AND job = ?' : ''} ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
    job ? [before, job] : [before],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The highest numeric cursor any run of `job` saved (0 when none did): for a job
 * whose cursor is a cutoff time, how far its deletes may have reached, even in a
 * run that stopped part-way.
 */
export async function highestCursor(q: Q, job: string): Promise<number> {
  const rows = await q.all<{ resume_cursor: string }>(
    'SELECT resume_cursor FROM job_runs WHERE job = ? AND resume_cursor IS NOT NULL ORDER BY started_at DESC LIMIT 1000',
    [job],
  );
  return rows.reduce((max, r) => Math.max(max, Number(r.resume_cursor) || 0), 0);
}

/** When the last finished run of `job` started (epoch ms), or null when none finished. */
export async function lastFinishedStart(q: Q, job: string): Promise<number | null> {
  const row = await q.one<{ started_at: number }>(
    "SELECT started_at FROM job_runs WHERE job = ? AND status = 'done' ORDER BY started_at DESC LIMIT 1",
    [job],
  );
  return row ? Number(row.started_at) : null;
}

/** Deletes at most `limit` finished runs started before `before` (epoch ms), oldest first; running ones stay. */
export function purgeRunsBefore(q: Q, before: number, limit: number): Promise<number> {
  return q.exec(
    sql.deleteBatch(q.dialect, 'job_runs', "started_at < ? AND status IN ('done', 'failed')", 'started_at', limit),
    [before],
  );
}
