import type { Q } from '../../db/database';
import { registerInvariant } from '../reconcile/invariants';

const concat = (q: Q, ...parts: string[]) =>
  q.dialect === 'mysql' ? `CONCAT(${parts.join(', ')})` : parts.join(' || ');

/**
 * Check-in invariants, registered with reconcile when this module loads (the
 * server and `npm run reconcile` both load it through compose).
 */
registerInvariant({
  name: 'checkin: every checked day has its ledger credit (checkin:<member>:<date>) of the same points',
  run: (q, limit) =>
    q.all(
      `SELECT c.member_id, c.business_date, c.points FROM checkins c
      WHERE NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.idem_key = ${concat(q, "'checkin:'", 'c.member_id', "':'", 'c.business_date')} AND e.delta = c.points)
      LIMIT ${limit}`,
    ),
});

registerInvariant({
  name: 'checkin: every check-in credit has its checked day',
  run: (q, limit) =>
    q.all(
      `SELECT e.id, e.idem_key FROM points_entries e
      WHERE e.reason IN ('checkin', 'checkin_makeup') AND e.delta > 0
        AND NOT EXISTS (SELECT 1 FROM checkins c WHERE e.idem_key = ${concat(q, "'checkin:'", 'c.member_id', "':'", 'c.business_date')})
      LIMIT ${limit}`,
    ),
});

registerInvariant({
  name: 'checkin: make-up cards never below 0, and count = sum of card entries',
  run: (q, limit) =>
    q.all(
      `SELECT k.member_id, k.cards, COALESCE(s.total, 0) AS entries_total
       FROM makeup_cards k LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM makeup_card_entries GROUP BY member_id) s ON s.member_id = k.member_id
      WHERE k.cards < 0 OR k.cards <> COALESCE(s.total, 0)
      LIMIT ${limit}`,
    ),
});
