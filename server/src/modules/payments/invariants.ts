import { registerInvariant } from '../reconcile/invariants';
import { ordersOffHistoryIn, refundMismatchesIn, statesOffAmountsIn } from './store-reads';

// The payment invariants, checked by `npm run reconcile` and after the payment tests.
registerInvariant({
  name: 'payments: refunded = sum of successful refunds <= set aside = refunds not closed <= paid amount',
  run: refundMismatchesIn,
});
registerInvariant({
  name: "payments: every order's state is its last event's (every state change has its event)",
  run: ordersOffHistoryIn,
});
registerInvariant({
  name: 'payments: a paid order is PAID, REFUNDING, PARTIALLY_REFUNDED or REFUNDED as its amounts say',
  run: statesOffAmountsIn,
});
