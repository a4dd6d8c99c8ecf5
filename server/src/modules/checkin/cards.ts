import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { memberExists } from '../members/store';
import { addCards, cardCount, cardEntry, insertCardEntry, takeCard, type CardEntry } from './store-cards';

/**
 * Make-up cards (补签卡). Like points, they are entries with unique keys plus a
 * cached count: a grant is an entry `grant:<key>` and an increment; a use is an
 * entry `makeup:<date>` and `cards = cards - 1 WHERE cards >= 1`. So a replayed
 * grant adds nothing, two make-ups cannot spend one card, and reconcile can check
 * count = sum of entries.
 */
export interface CardGrant {
  memberId: number;
  key: string;
  cards: number;
  reason: string;
  operatorId: number | null;
  note?: string | null;
}

export const cardsOf = cardCount;

/** The entry key of the card that paid for a make-up of `date`. */
export const makeupEntryKey = (date: string) => `makeup:${date}`;

/** Whether a card paid for the member's make-up of `date`. */
export async function cardPaidFor(q: Q, memberId: number, date: string): Promise<boolean> {
  return !!(await cardEntry(q, memberId, makeupEntryKey(date)));
}

/** Grants cards once per key (a replay answers with the current count; the same key with other cards is a conflict). */
export async function grantCardsIn(
  q: Q,
  g: CardGrant,
  now: Date,
): Promise<{ granted: number; cards: number; replayed: boolean }> {
  const entryKey = `grant:${g.key}`;
  const prior = await cardEntry(q, g.memberId, entryKey);
  if (prior) {
    // Same key, different grant: refuse rather than guess which one was meant.
    if (prior.delta !== g.cards || prior.reason !== g.reason)
      throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key: g.key });
    return { granted: g.cards, cards: await cardCount(q, g.memberId), replayed: true };
  }
  if (!(await memberExists(q, g.memberId))) throw new AppError('MEMBER_NOT_FOUND');
  await insertEntry(
    q,
    {
      memberId: g.memberId,
      key: entryKey,
      delta: g.cards,
      reason: g.reason,
      operatorId: g.operatorId,
      note: g.note ?? null,
    },
    now,
  );
  const cards = await addCards(q, g.memberId, g.cards, now);
  return { granted: g.cards, cards, replayed: false };
}

/** Uses one card for a make-up of `date`; false (nothing written) when the member has none. */
export async function spendCardIn(q: Q, memberId: number, date: string, now: Date): Promise<boolean> {
  if (!(await takeCard(q, memberId, now))) return false;
  await insertEntry(
    q,
    { memberId, key: makeupEntryKey(date), delta: -1, reason: 'checkin_makeup', operatorId: null, note: null },
    now,
  );
  return true;
}

async function insertEntry(q: Q, e: CardEntry, now: Date): Promise<void> {
  try {
    await insertCardEntry(q, e, now);
  } catch (err) {
    // Committed by someone else meanwhile: run again, and the replay check answers.
    if (isDuplicateKey(err)) throw new RetryTransaction(`card entry ${e.key} taken`);
    throw err;
  }
}
