import type { InvariantCheck } from '../reconcile/check';
import * as checks from './store-checks';
import * as pending from './pending-store';

/**
 * The ledger's own invariants (balance = entries = lots; lots within bounds; debt
 * only by claw-back), composed by reconcile. That every member has an account is
 * checked from the member list (members/invariants.ts).
 */
export const pointsInvariants: InvariantCheck[] = [
  {
    name: 'ledger: cached balance = sum of entries',
    run: checks.balancesOffEntries,
    runFor: checks.balancesOffEntriesOf,
  },
  {
    name: 'ledger: sum of lot remainders = balance (0 when in debt)',
    run: checks.balancesOffLots,
    runFor: checks.balancesOffLotsOf,
  },
  { name: 'ledger: lot remainder within 0..earned', run: checks.lotsOutOfRange },
  { name: 'ledger: allocations never exceed what a lot earned', run: checks.lotsOverAllocated },
  {
    name: 'ledger: a negative balance only with a recorded claw-back',
    run: checks.debtsWithoutClawback,
    runFor: checks.debtsWithoutClawbackOf,
  },
  { name: 'pending: held - cancelled - released = sum of pending entries', run: pending.pendingOffEntries },
  { name: 'pending: state agrees with held, cancelled and released', run: pending.pendingStatesOff },
  { name: 'pending: released points credited once under their key, pending ones not', run: pending.pendingOffLedger },
];
