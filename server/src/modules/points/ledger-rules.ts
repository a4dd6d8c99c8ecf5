/** The ledger's rules without I/O: what an accepted op is, what makes two ops the same, what a credit writes. */
import { createHash } from 'node:crypto';
import { lotRemainingAfterCredit, validatePoints, type EntryType } from '@huiyuan/shared';
import { AppError } from '../../core/errors';
import type { NewEntry } from './store';

/** One change to a member's points, as callers ask for it; `key` is its idempotency key. */
export interface LedgerOp {
  key: string;
  memberId: number;
  points: number;
  type: EntryType;
  reason: string;
  ref?: string | null;
  storeId?: number | null;
  operatorId?: number | null;
  note?: string | null;
}

/** What one credit writes, decided by planCredits: its entry, and what its lot keeps. */
export interface PlannedCredit {
  entry: NewEntry;
  lotRemaining: number;
}

const MAX_KEY = 160;

/**
 * The rule of a credit, once for the single and the batch path: given each
 * credit's balance after it was added, its entry (hash, balance after) and what
 * its lot keeps after paying off a debt (lotRemainingAfterCredit).
 */
export function planCredits(ops: LedgerOp[], balances: Map<number, number>, now: Date): PlannedCredit[] {
  return ops.map((op) => {
    const balanceAfter = balances.get(op.memberId);
    if (balanceAfter === undefined) throw new AppError('MEMBER_NOT_FOUND');
    return {
      entry: newEntry(op, op.points, inputHash(op, 1), balanceAfter, now),
      lotRemaining: lotRemainingAfterCredit(balanceAfter, op.points),
    };
  });
}

/** An op the ledger accepts: whole positive points, a key of 1-160 characters. */
export function checkOp(op: LedgerOp): void {
  const bad = validatePoints(op.points);
  if (bad) throw new AppError('VALIDATION_FAILED', bad, { field: 'points' });
  if (!op.key || op.key.length > MAX_KEY)
    throw new AppError('VALIDATION_FAILED', 'idempotency key must be 1-160 characters');
}

/** The entry an op writes, with its signed delta, input hash and the balance after it. */
export function newEntry(op: LedgerOp, delta: number, hash: string, balanceAfter: number, now: Date): NewEntry {
  return {
    memberId: op.memberId,
    delta,
    type: op.type,
    reason: op.reason,
    ref: op.ref ?? null,
    key: op.key,
    inputHash: hash,
    balanceAfter,
    operatorId: op.operatorId ?? null,
    storeId: op.storeId ?? null,
    note: op.note ?? null,
    createdAt: now.getTime(),
  };
}

/** What makes two requests "the same": everything but who sent it and free-text notes. */
export function inputHash(op: LedgerOp, sign: 1 | -1): string {
  const canonical = JSON.stringify([
    op.memberId,
    sign * op.points,
    op.type,
    op.reason,
    op.ref ?? null,
    op.storeId ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
