import type { Q } from '../../db/database';

/** All SQL on `audit_log`: rows are appended, never changed, and read newest first. */

export interface AuditRow {
  id: number;
  actor_type: string;
  actor_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  request_id: string | null;
  created_at: number;
}

export type NewAuditRow = Omit<AuditRow, 'id'>;

/**
 * Appends a row. Nothing reads its result, so it is deferred: it rides in the round
 * trip of the unit of work's next statement or its COMMIT (the same order, one
 * round trip fewer), and a unit of work that fails writes no audit row.
 */
export async function insertAuditRow(q: Q, r: NewAuditRow): Promise<void> {
  await q.defer([
    [
      `INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.actor_type,
        r.actor_id,
        r.action,
        r.target_type,
        r.target_id,
        r.before_json,
        r.after_json,
        r.reason,
        r.request_id,
        r.created_at,
      ],
    ],
  ]);
}

/** Every filter optional; `from`/`to` are instants (ms), `to` exclusive. */
export interface AuditFilter {
  action?: string;
  actorType?: string;
  actorId?: number;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  beforeId?: number;
}

/** Newest first, optionally filtered, below the id `beforeId` (keyset paging); at most `limit` rows. */
export function auditRows(q: Q, f: AuditFilter, limit: number): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq: [string, unknown][] = [
    ['action', f.action],
    ['actor_type', f.actorType],
    ['actor_id', f.actorId],
    ['target_type', f.targetType],
    ['target_id', f.targetId],
  ];
  for (const [column, value] of eq) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (f.from !== undefined) {
    where.push('created_at >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('created_at < ?');
    params.push(f.to);
  }
  if (f.beforeId !== undefined) {
    where.push('id < ?');
    params.push(f.beforeId);
  }
  return q.all<AuditRow>(
    `SELECT id, actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
    params,
  );
}

/** How many rows of `action` each actor wrote in [from, to) (operator alerts: a staff member's refunds, adjustments). */
export async function countsByActor(q: Q, action: string, from: number, to: number): Promise<Map<number, number>> {
  const rows = await q.all<{ actor_id: number; n: number }>(
    'SELECT actor_id, COUNT(*) AS n FROM audit_log WHERE created_at >= ? AND created_at < ? AND action = ? AND actor_id IS NOT NULL GROUP BY actor_id',
    [from, to, action],
  );
  return new Map(rows.map((r) => [Number(r.actor_id), Number(r.n)]));
}
