import type { NotificationKind } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { insertOutboxRow, insertOutboxRows } from './store';

/** A message's kind: one of the notification kinds (each has its template and inbox text). */
export type OutboxKind = NotificationKind;

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
  return insertOutboxRow(q, m, now.getTime(), notBefore.getTime());
}

/** Many messages in one multi-row insert (batch jobs); duplicates are ignored as in enqueueIn. */
export async function enqueueManyIn(q: Q, ms: OutboxMessage[], now: Date): Promise<number> {
  return insertOutboxRows(q, ms, now.getTime());
}
