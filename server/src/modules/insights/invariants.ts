import { registerInvariant } from '../reconcile/invariants';
import { operatorKeysIn } from '../notifications/store-operators';
import { alertKeysAfter } from './store-alerts';
import { entriesOutsideEpisode } from './store-churn';

/** The operators' inbox key of an alert: the same in `evaluateAlerts` and here. */
export const alertInboxKey = (a: { rule: string; period: string; subject: string }) =>
  `alert:${a.rule}:${a.period}:${a.subject}`;

// Reconcile checks of insights, registered when the module loads (as check-in's are).
registerInvariant({
  name: 'churn: every stage entered after its quiet episode began, and recovered after it',
  run: (q, limit) => entriesOutsideEpisode(q, limit),
});

registerInvariant({
  name: "alerts: every alert is in the operators' inbox",
  // Walks alerts by id and asks notifications which of each chunk's keys have their message.
  async run(q, limit) {
    const bad: Record<string, unknown>[] = [];
    for (let after = 0; bad.length < limit;) {
      const rows = await alertKeysAfter(q, after, 500);
      if (!rows.length) break;
      const found = await operatorKeysIn(q, rows.map(alertInboxKey));
      for (const r of rows) if (!found.has(alertInboxKey(r)) && bad.length < limit) bad.push({ alert_id: r.id });
      after = Number(rows[rows.length - 1].id);
    }
    return bad;
  },
});
