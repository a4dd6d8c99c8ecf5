import type { InvariantCheck } from '../reconcile/check';
import { balancesOf } from '../points/store';
import { memberIdsAfter } from './store';

const CHUNK = 1000;

/** Checks that start from the member list (reconcile composes them). */
export const memberChecks: InvariantCheck[] = [
  {
    name: 'ledger: every member has exactly one account',
    // Walks members by id and asks the ledger which of each chunk have an account.
    async run(q, limit) {
      const bad: Record<string, unknown>[] = [];
      for (let after = 0; bad.length < limit;) {
        const ids = await memberIdsAfter(q, after, CHUNK);
        if (!ids.length) break;
        const accounts = await balancesOf(q, ids);
        for (const id of ids) if (!accounts.has(id) && bad.length < limit) bad.push({ member_id: id });
        after = ids[ids.length - 1];
      }
      return bad;
    },
  },
];
