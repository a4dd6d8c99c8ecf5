import type { Q } from '../../db/database';
import { placeholders } from '../../db/database';

/**
 * All SQL on `churn_entries`: one row per member, quiet episode and stage entered.
 * The episode is the member's last active date when they went quiet, so a member
 * active again starts a new episode by itself; the unique (member, episode, stage)
 * key makes a stage's action happen once per episode, whoever inserts first.
 */

export interface NewChurnEntry {
  memberId: number;
  episode: string;
  stage: string;
  enteredOn: string;
  action: string;
  storeId: number | null;
  detail: string | null;
}

/** The (episode, stage) pairs already entered by these members in these episodes. */
export async function enteredStages(q: Q, pairs: { memberId: number; episode: string }[]): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const ids = [...new Set(pairs.map((p) => p.memberId))];
  const rows = await q.all<{ member_id: number; episode: string; stage: string }>(
    `SELECT member_id, episode, stage FROM churn_entries WHERE member_id IN (${placeholders(ids.length)})`,
    ids,
  );
  return new Set(rows.map((r) => `${Number(r.member_id)}:${r.episode}:${r.stage}`));
}

/** Inserts the entries in one statement; a duplicate key (another run entered one first) throws. */
export async function insertEntries(q: Q, rows: NewChurnEntry[], now: number): Promise<void> {
  if (!rows.length) return;
  await q.exec(
    `INSERT INTO churn_entries (member_id, episode, stage, entered_on, entered_at, action, store_id, detail)
     VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    rows.flatMap((r) => [r.memberId, r.episode, r.stage, r.enteredOn, now, r.action, r.storeId, r.detail]),
  );
}

/** What happened when the stage was entered (gift voucher, capped message). */
export async function setDetail(q: Q, memberId: number, episode: string, stage: string, detail: string) {
  await q.exec('UPDATE churn_entries SET detail = ? WHERE member_id = ? AND episode = ? AND stage = ?', [
    detail.slice(0, 128),
    memberId,
    episode,
    stage,
  ]);
}

/** Open entries (member not seen active since) after id `after`, by id. */
export async function openEntriesAfter(
  q: Q,
  after: number,
  limit: number,
): Promise<{ id: number; memberId: number; episode: string }[]> {
  const rows = await q.all<{ id: number; member_id: number; episode: string }>(
    `SELECT id, member_id, episode FROM churn_entries WHERE recovered_on IS NULL AND id > ? ORDER BY id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => ({ id: Number(r.id), memberId: Number(r.member_id), episode: r.episode }));
}

/** Closes entries whose member was active again on `date` (first write wins). */
export async function markRecovered(q: Q, ids: number[], date: string): Promise<number> {
  if (!ids.length) return 0;
  return q.exec(
    `UPDATE churn_entries SET recovered_on = ? WHERE id IN (${placeholders(ids.length)}) AND recovered_on IS NULL`,
    [date, ...ids],
  );
}

/** Per stage: entries in [from, to] and how many recovered within `days` of entering; open entries now. */
export async function stageCounts(
  q: Q,
  from: string,
  to: string,
): Promise<Map<string, { entered: number; open: number; recovered: { enteredOn: string; recoveredOn: string }[] }>> {
  const out = new Map<
    string,
    { entered: number; open: number; recovered: { enteredOn: string; recoveredOn: string }[] }
  >();
  const get = (s: string) => {
    if (!out.has(s)) out.set(s, { entered: 0, open: 0, recovered: [] });
    return out.get(s)!;
  };
  const entered = await q.all<{ stage: string; n: number }>(
    'SELECT stage, COUNT(*) AS n FROM churn_entries WHERE entered_on >= ? AND entered_on <= ? GROUP BY stage',
    [from, to],
  );
  for (const r of entered) get(r.stage).entered = Number(r.n);
  // Recovery days are whole business days between two dates: counted here, not in SQL (no date arithmetic).
  const recovered = await q.all<{ stage: string; entered_on: string; recovered_on: string }>(
    'SELECT stage, entered_on, recovered_on FROM churn_entries WHERE entered_on >= ? AND entered_on <= ? AND recovered_on IS NOT NULL',
    [from, to],
  );
  for (const r of recovered) get(r.stage).recovered.push({ enteredOn: r.entered_on, recoveredOn: r.recovered_on });
  const open = await q.all<{ stage: string; n: number }>(
    'SELECT stage, COUNT(*) AS n FROM churn_entries WHERE recovered_on IS NULL GROUP BY stage',
  );
  for (const r of open) get(r.stage).open = Number(r.n);
  return out;
}

/** Open entries of call-list stages per store. */
export async function callListSizes(q: Q, stages: string[]): Promise<Map<number, number>> {
  if (!stages.length) return new Map();
  const rows = await q.all<{ store_id: number; n: number }>(
    `SELECT store_id, COUNT(DISTINCT member_id) AS n FROM churn_entries
      WHERE recovered_on IS NULL AND store_id IS NOT NULL AND stage IN (${placeholders(stages.length)}) GROUP BY store_id`,
    stages,
  );
  return new Map(rows.map((r) => [Number(r.store_id), Number(r.n)]));
}

/** A store's open call-list entries, oldest episode first. */
export async function callListOf(
  q: Q,
  storeId: number,
  stages: string[],
  limit: number,
): Promise<{ memberId: number; stage: string; episode: string; enteredOn: string }[]> {
  if (!stages.length) return [];
  const rows = await q.all<{ member_id: number; stage: string; episode: string; entered_on: string }>(
    `SELECT member_id, stage, episode, entered_on FROM churn_entries
      WHERE store_id = ? AND recovered_on IS NULL AND stage IN (${placeholders(stages.length)})
      ORDER BY episode, member_id LIMIT ${Math.floor(limit)}`,
    [storeId, ...stages],
  );
  return rows.map((r) => ({
    memberId: Number(r.member_id),
    stage: r.stage,
    episode: r.episode,
    enteredOn: r.entered_on,
  }));
}

/** Entries that do not fit their episode: entered on or before it began, or recovered on or before it. */
export function entriesOutsideEpisode(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  return q.all(
    `SELECT id, member_id, episode, stage, entered_on, recovered_on FROM churn_entries
      WHERE entered_on <= episode OR (recovered_on IS NOT NULL AND recovered_on <= episode) ORDER BY id LIMIT ${Math.floor(limit)}`,
  );
}
