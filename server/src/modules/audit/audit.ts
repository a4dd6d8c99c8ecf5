import type { Q } from '../../db/database';
import { insertAuditRow } from './store';

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
  await insertAuditRow(q, {
    actor_type: r.actorType,
    actor_id: r.actorId,
    action: r.action,
    target_type: r.targetType ?? null,
    target_id: r.targetId === undefined ? null : String(r.targetId),
    before_json: r.before === undefined ? null : JSON.stringify(r.before),
    after_json: r.after === undefined ? null : JSON.stringify(r.after),
    reason: r.reason ?? null,
    request_id: r.requestId ?? null,
    created_at: now.getTime(),
  });
}
