import type { Q } from '../../db/database';
import type { InvariantCheck } from '../reconcile/check';
import { entriesWithReasons } from '../points/store-reads';
import { tierRowsAfter } from '../tiers/store';
import { registeredAtOf } from '../members/store';
import { entryTimes } from '../points/store';
import { highestCursor } from '../../jobs/store';
import { existingDedupeKeys, membersWithKind } from './store';

const PAGE = 1000;

/**
 * The furthest cutoff the outbox retention has used (sent or parked rows ended
 * before it are gone). A message ends after its cause was written, so a cause
 * written at or after this still has its message; older ones are not checked.
 */
async function outboxHorizon(q: Q): Promise<number> {
  return Math.max(await highestCursor(q, 'retention_outbox_sent'), await highestCursor(q, 'retention_outbox_parked'));
}

/**
 * The outbox key a credit's message is written under: a birthday gift's message
 * shares the ledger key; a referral reward's is `referral:<referral id>`, the
 * second field of the inviter's credit key (`referral:<id>:inviter`).
 */
const messageKey = (e: { key: string; reason: string }) =>
  e.reason === 'birthday_gift' ? e.key : `referral:${e.key.split(':')[1]}`;

async function creditsWithoutMessage(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  const bad: Record<string, unknown>[] = [];
  const horizon = await outboxHorizon(q);
  for (let after = 0; bad.length < limit;) {
    const entries = await entriesWithReasons(q, ['birthday_gift', 'referral_inviter'], after, PAGE);
    if (!entries.length) break;
    after = entries[entries.length - 1].id;
    const have = await existingDedupeKeys(q, [...new Set(entries.map(messageKey))]);
    const missing = entries.filter((e) => !have.has(messageKey(e)));
    const at = await entryTimes(
      q,
      missing.map((e) => e.id),
    );
    for (const e of missing) if ((at.get(e.id) ?? 0) >= horizon) bad.push({ id: e.id, idem_key: e.key });
  }
  return bad.slice(0, limit);
}

/** A tier taken after registration (a change, not the starting tier) must have told the member. */
async function tierChangesWithoutMessage(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  const bad: Record<string, unknown>[] = [];
  const horizon = await outboxHorizon(q);
  for (let after = 0; bad.length < limit;) {
    const tiers = await tierRowsAfter(q, after, PAGE);
    if (!tiers.length) break;
    after = tiers[tiers.length - 1].memberId;
    const registered = await registeredAtOf(
      q,
      tiers.map((t) => t.memberId),
    );
    const changed = tiers.filter(
      (t) => registered.has(t.memberId) && t.sinceAt > registered.get(t.memberId)! && t.sinceAt >= horizon,
    );
    const told = await membersWithKind(
      q,
      changed.map((t) => t.memberId),
      'tier_changed',
    );
    for (const t of changed) if (!told.has(t.memberId)) bad.push({ member_id: t.memberId, tier_code: t.tierCode });
  }
  return bad.slice(0, limit);
}

/** A cause commits with its notification: both are written in one transaction, so neither exists without the other. */
export const notificationInvariants: InvariantCheck[] = [
  { name: 'outbox: every birthday gift and referral reward has its notification', run: creditsWithoutMessage },
  { name: 'outbox: every tier change has its notification', run: tierChangesWithoutMessage },
];
