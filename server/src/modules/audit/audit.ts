import type { Q } from '../../db/database';

export interface AuditRecord {
  actorType: 'member' | 'staff' | 'operator' | 'system';
  actorId: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  before?: unknown;
  after?: unknown;
  reason?: string;
  requestId?: string;
}

/**
 * Appends to the audit log inside the caller's transaction, so an action and its
 * audit row commit or roll back together.
 */
export async function audit(q: Q, r: AuditRecord, now: Date): Promise<void> {
  await q.exec(
    `INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      r.actorType,
      r.actorId,
      r.action,
      r.targetType ?? null,
      r.targetId === undefined ? null : String(r.targetId),
      r.before === undefined ? null : JSON.stringify(r.before),
      r.after === undefined ? null : JSON.stringify(r.after),
      r.reason ?? null,
      r.requestId ?? null,
      now.getTime(),
    ],
  );
}
