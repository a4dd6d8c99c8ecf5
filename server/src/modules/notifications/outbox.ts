import { sql, type Q } from '../../db/database';

export type OutboxKind =
  | 'tier_changed'
  | 'tier_at_risk'
  | 'birthday_gift'
  | 'points_expiring'
  | 'voucher_expiring'
  | 'referral_reward'
  | 'churn_wakeup';

export interface OutboxMessage {
  /** Makes the effect happen once however often the cause is retried or replayed. */
  dedupeKey: string;
  kind: OutboxKind;
  memberId: number | null;
  payload: Record<string, unknown>;
}

/**
 * Writes a notification to the outbox inside the caller's transaction, so it
 * commits with its cause or not at all. A duplicate key is ignored.
 */
export async function enqueueIn(q: Q, m: OutboxMessage, now: Date, notBefore: Date = now): Promise<boolean> {
  const inserted = await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO outbox (dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
    [m.dedupeKey, m.kind, m.memberId, JSON.stringify(m.payload), notBefore.getTime(), now.getTime()],
  );
  return inserted === 1;
}

/** Many messages in one multi-row insert (batch jobs); duplicates are ignored as in enqueueIn. */
export async function enqueueManyIn(q: Q, ms: OutboxMessage[], now: Date): Promise<number> {
  if (!ms.length) return 0;
  return q.exec(
    `${sql.insertIgnore(q.dialect)} INTO outbox (dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, created_at)
     VALUES ${ms.map(() => "(?, ?, ?, ?, 'pending', 0, ?, ?)").join(', ')}`,
    ms.flatMap((m) => [m.dedupeKey, m.kind, m.memberId, JSON.stringify(m.payload), now.getTime(), now.getTime()]),
  );
}
