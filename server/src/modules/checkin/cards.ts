import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import { incrementIn } from '../caps/counter';
import { AppError } from '../../core/errors';

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

export async function cardsOf(q: Q, memberId: number): Promise<number> {
  return Number(
    (await q.one<{ cards: number }>('SELECT cards FROM makeup_cards WHERE member_id = ?', [memberId]))?.cards ?? 0,
  );
}

export async function grantCardsIn(
  q: Q,
  g: CardGrant,
  now: Date,
): Promise<{ granted: number; cards: number; replayed: boolean }> {
  const entryKey = `grant:${g.key}`;
  const prior = await q.one<{ delta: number; reason: string }>(
    'SELECT delta, reason FROM makeup_card_entries WHERE member_id = ? AND entry_key = ?',
    [g.memberId, entryKey],
  );
  if (prior) {
    // Same key, different grant: refuse rather than guess which one was meant.
    if (Number(prior.delta) !== g.cards || prior.reason !== g.reason)
      throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key: g.key });
    return { granted: g.cards, cards: await cardsOf(q, g.memberId), replayed: true };
  }
  if (!(await q.one('SELECT id FROM members WHERE id = ?', [g.memberId]))) throw new AppError('MEMBER_NOT_FOUND');
  await insertEntry(q, g.memberId, entryKey, g.cards, g.reason, g.operatorId, g.note ?? null, now);
  const cards = await incrementIn(q, 'makeup_cards', { member_id: g.memberId }, 'cards', g.cards, {
    updated_at: now.getTime(),
  });
  return { granted: g.cards, cards, replayed: false };
}

/** Uses one card for a make-up of `date`; false (nothing written) when the member has none. */
export async function spendCardIn(q: Q, memberId: number, date: string, now: Date): Promise<boolean> {
  const used = await q.exec(
    'UPDATE makeup_cards SET cards = cards - 1, updated_at = ? WHERE member_id = ? AND cards >= 1',
    [now.getTime(), memberId],
  );
  if (used !== 1) return false;
  await insertEntry(q, memberId, `makeup:${date}`, -1, 'checkin_makeup', null, null, now);
  return true;
}

async function insertEntry(
  q: Q,
  memberId: number,
  key: string,
  delta: number,
  reason: string,
  operatorId: number | null,
  note: string | null,
  now: Date,
): Promise<void> {
  try {
    await q.exec(
      'INSERT INTO makeup_card_entries (member_id, entry_key, delta, reason, operator_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [memberId, key, delta, reason, operatorId, note, now.getTime()],
    );
  } catch (err) {
    // Committed by someone else meanwhile: run again, and the replay check answers.
    if (isDuplicateKey(err)) throw new RetryTransaction(`card entry ${key} taken`);
    throw err;
  }
}
