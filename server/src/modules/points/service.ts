import { AppError } from '../../core/errors';
import type { Services } from '../services';
import { audit } from '../audit/audit';
import { memberExists } from '../members/store';
import type { LedgerResult } from './ledger';

/** An operator's manual adjustment, as the console sends it. */
export interface Adjustment {
  memberId: number;
  /** Signed: > 0 credits, < 0 debits (never below zero). */
  delta: number;
  /** The console's Idempotency-Key for this form; the ledger key is `adjust:<key>`. */
  idempotencyKey: string;
  reason: string;
  operatorId: number;
  requestId?: string;
}

/**
 * Credits or debits a member by hand, audited in the same transaction. A replay
 * answers the first result and writes no second audit row.
 */
export async function adjustPoints(c: Pick<Services, 'db' | 'ledger' | 'clock'>, a: Adjustment): Promise<LedgerResult> {
  const op = {
    key: `adjust:${a.idempotencyKey}`,
    memberId: a.memberId,
    points: Math.abs(a.delta),
    type: 'adjust' as const,
    reason: a.delta > 0 ? 'manual_credit' : 'manual_debit',
    ref: null,
    operatorId: a.operatorId,
    note: a.reason,
  };
  return c.db.tx(async (q) => {
    if (!(await memberExists(q, a.memberId))) throw new AppError('MEMBER_NOT_FOUND');
    const out = a.delta > 0 ? await c.ledger.creditIn(q, op) : await c.ledger.debitIn(q, op);
    if (!out.replayed) {
      await audit(
        q,
        {
          actorType: 'operator',
          actorId: a.operatorId,
          action: 'points.adjust',
          targetType: 'member',
          targetId: a.memberId,
          before: { balance: out.balanceAfter - out.delta },
          after: { balance: out.balanceAfter, entryId: out.entryId },
          reason: a.reason,
          requestId: a.requestId,
        },
        c.clock.now(),
      );
    }
    return out;
  });
}
