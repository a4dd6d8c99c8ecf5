import type { InvariantCheck } from '../reconcile/check';
import * as checks from './store-checks';

/**
 * The ledger's own invariants (balance = entries = lots; lots within bounds; debt
 * only by claw-back), composed by reconcile. That every member has an account is
 * checked from the member list (members/invariants.ts).
 */
export const pointsInvariants: InvariantCheck[] = [
  { name: 'ledger: cached balance = sum of entries', run: checks.balancesOffEntries },
  { name: 'ledger: sum of lot remainders = balance (0 when in debt)', run: checks.balancesOffLots },
  { name: 'ledger: lot remainder within 0..earned', run: checks.lotsOutOfRange },
  { name: 'ledger: allocations never exceed what a lot earned', run: checks.lotsOverAllocated },
  { name: 'ledger: a negative balance only with a recorded claw-back', run: checks.debtsWithoutClawback },
];
