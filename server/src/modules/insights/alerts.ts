import { addDaysToIsoDate, parseIsoDate, startOfLocalDay, type AlertRules } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { countIssuedIn, countWrittenOffIn } from '../benefits/store-vouchers';
import { countsByActor } from '../audit/store';
import { postToOperatorsIn } from '../notifications/operator-inbox';
import { liabilityPoints } from './liability';
import { weekOf } from './churn-rules';
import * as store from './store-alerts';
import { alertInboxKey } from './invariants';

type Deps = Pick<Services, 'db' | 'settings' | 'clock' | 'config'>;

const dayStart = (date: string, tz: string) => {
  const d = parseIsoDate(date)!;
  return startOfLocalDay(d.year, d.month, d.day, tz).getTime();
};
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/**
 * Evaluates the threshold rules (`insights.alerts`) for business date `date` and
 * raises what they find: each alert once per rule, period and subject (the unique
 * key), and each new one also goes to the operators' inbox in the same unit of
 * work. Periods: the week (Monday's date) for the write-off rate and the liability
 * growth, the day for a staff member's spike. Returns the alerts raised now.
 */
export async function evaluateAlerts(c: Deps, date: string): Promise<store.NewAlert[]> {
  const rules: AlertRules = await c.settings.get('insights.alerts');
  const tz = c.config.businessTz;
  const now = c.clock.now().getTime();
  const end = dayStart(addDaysToIsoDate(date, 1), tz);
  const found: store.NewAlert[] = [];
  const week = weekOf(date);
  await c.db.tx(async (q) => {
    if (rules.writeOffRate.enabled) {
      const r = rules.writeOffRate;
      const start = dayStart(addDaysToIsoDate(date, 1 - r.days), tz);
      const issued = await countIssuedIn(q, start, end);
      const used = await countWrittenOffIn(q, start, end, null);
      const rate = issued > 0 ? used / issued : 0;
      if (issued >= r.minIssued && rate < r.minRate)
        found.push({
          rule: 'voucher_write_off_low',
          period: week,
          subject: '',
          message: `近${r.days}天优惠券核销率 ${pct(rate)}（发放 ${issued}，核销 ${used}），低于 ${pct(r.minRate)}`,
          value: Math.round(rate * 10_000) / 10_000,
          threshold: r.minRate,
        });
    }
    if (rules.liabilityGrowth.enabled) {
      // Today's liability is kept as a daily figure; the rule compares it with the one a week before.
      const liability = (await liabilityPoints(q)).outstanding;
      await store.putSnapshot(q, 'liability_points', date, liability, now);
      const before = await store.snapshotOnOrBefore(q, 'liability_points', addDaysToIsoDate(date, -7));
      const base = before ? Number(before.value) : 0;
      const growth = base > 0 ? ((liability - base) / base) * 100 : 0;
      if (base > 0 && growth > rules.liabilityGrowth.maxPercent)
        found.push({
          rule: 'liability_growth',
          period: week,
          subject: '',
          message: `积分负债周环比增长 ${growth.toFixed(1)}%（${base} → ${liability} 积分），超过 ${rules.liabilityGrowth.maxPercent}%`,
          value: Math.round(growth * 10) / 10,
          threshold: rules.liabilityGrowth.maxPercent,
        });
    }
    if (rules.staffSpike.enabled) {
      for (const [rule, action, what] of [
        ['staff_refund_spike', 'checkout.refund', '退款'],
        ['staff_adjust_spike', 'points.adjust', '人工调整积分'],
      ] as const)
        found.push(...(await spikes(q, rules.staffSpike, rule, action, what, date, tz)));
    }
    for (const a of [...found]) {
      if (!(await store.raiseAlert(q, a, now))) {
        found.splice(found.indexOf(a), 1);
        continue;
      }
      await postToOperatorsIn(
        q,
        { kind: 'alert', title: '运营预警', body: a.message, dedupeKey: alertInboxKey(a) },
        now,
      );
    }
  });
  return found;
}

/** Staff whose count of `action` today is at least `minCount` and over `factor` times their daily usual. */
async function spikes(
  q: Q,
  r: AlertRules['staffSpike'],
  rule: string,
  action: string,
  what: string,
  date: string,
  tz: string,
): Promise<store.NewAlert[]> {
  const today = await countsByActor(q, action, dayStart(date, tz), dayStart(addDaysToIsoDate(date, 1), tz));
  const candidates = [...today].filter(([, n]) => n >= r.minCount);
  if (!candidates.length) return [];
  const usual = await countsByActor(
    q,
    action,
    dayStart(addDaysToIsoDate(date, -r.baselineDays), tz),
    dayStart(date, tz),
  );
  const out: store.NewAlert[] = [];
  for (const [staffId, n] of candidates) {
    const avg = (usual.get(staffId) ?? 0) / r.baselineDays;
    // A newcomer's usual is unknown (0): at least one a day is assumed, so minCount and factor still apply.
    if (n > r.factor * Math.max(avg, 1))
      out.push({
        rule,
        period: date,
        subject: String(staffId),
        message: `员工 #${staffId} 今日${what} ${n} 次，平时日均 ${avg.toFixed(1)} 次`,
        value: n,
        threshold: Math.round(r.factor * Math.max(avg, 1) * 10) / 10,
      });
  }
  return out;
}

export function alertsJob(c: Deps): JobDef {
  return {
    name: 'alerts',
    at: { hour: 9, minute: 0 },
    async run(ctx) {
      const raised = await evaluateAlerts(c, ctx.date);
      return { processed: raised.length, detail: { rules: raised.map((a) => a.rule) } };
    },
  };
}

const view = (r: store.AlertRow) => ({
  id: String(r.id),
  rule: r.rule,
  period: r.period,
  subject: r.subject,
  state: r.state,
  message: r.message,
  value: Number(r.value),
  threshold: Number(r.threshold),
  createdAt: new Date(Number(r.created_at)).toISOString(),
  acknowledgedAt: r.acknowledged_at === null ? null : new Date(Number(r.acknowledged_at)).toISOString(),
});

/** The console's alert list (with the open count) and acknowledgement. */
export async function listAlerts(c: Pick<Services, 'db'>, state: string | undefined, limit: number) {
  return c.db.read(async (q) => ({
    items: (await store.alertsPage(q, state, limit)).map(view),
    open: await store.openAlertCount(q),
  }));
}

export async function acknowledge(c: Pick<Services, 'db' | 'clock'>, id: number, operatorId: number) {
  return c.db.tx(async (q) => {
    await store.acknowledgeAlert(q, id, operatorId, c.clock.now().getTime());
    const row = await store.alertById(q, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such alert');
    return view(row);
  });
}
