import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Paid membership: plans operators sell (`membership_plans`), each member's one
 * current subscription (`member_subscriptions`), the append-only periods paid
 * orders added (`subscription_periods`, one per paid order by a unique key), the
 * purchases started (`membership_purchases`, the price and period frozen for the
 * payment), refunds (`membership_refunds`, one per period), the extra points a
 * plan gave at checkouts (`membership_bonus`, one per order) and the yearly cap
 * counter (`membership_caps`). Benefits get a paid-members-only flag.
 */
export class Membership1733900000000 implements MigrationInterface {
  name = 'Membership1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'membership_plans',
        [
          col.bigId(),
          col.str('code', 32),
          col.str('title', 64),
          col.int('price_fen'),
          col.str('period', 8),
          col.str('benefit_kind', 12),
          col.int('benefit_percent', 0),
          col.int('yearly_cap_points', 0),
          col.ref('pack_gift_rule_id', true),
          col.str('tier_floor', 16, true),
          col.str('status', 12),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [{ columns: ['code'], unique: true }],
      ),
    );
    await q.createTable(
      table(
        q,
        'member_subscriptions',
        [
          { name: 'member_id', type: 'bigint', isPrimary: true },
          col.ref('plan_id'),
          col.str('status', 12),
          col.at('started_at'),
          col.at('ends_at'),
          col.int('auto_renew', 0),
          col.int('periods', 0),
          col.at('updated_at'),
        ],
        [{ columns: ['status', 'ends_at'] }, { columns: ['plan_id', 'status'] }, { columns: ['updated_at'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'subscription_periods',
        [
          col.bigId(),
          col.ref('member_id'),
          col.ref('plan_id'),
          col.ref('purchase_id'),
          col.str('out_trade_no', 64),
          col.int('amount_fen'),
          col.at('starts_at'),
          col.at('ends_at'),
          col.int('renewal', 0),
          col.at('created_at'),
        ],
        [{ columns: ['out_trade_no'], unique: true }, { columns: ['member_id', 'id'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'membership_purchases',
        [
          col.bigId(),
          col.ref('member_id'),
          col.ref('plan_id'),
          col.int('price_fen'),
          col.str('period', 8),
          col.str('request_key', 64),
          col.str('out_trade_no', 64, true),
          col.at('created_at'),
        ],
        [{ columns: ['member_id', 'request_key'], unique: true }],
      ),
    );
    await q.createTable(
      table(
        q,
        'membership_refunds',
        [
          col.bigId(),
          col.ref('period_id'),
          col.ref('member_id'),
          col.str('request_key', 64),
          col.str('out_trade_no', 64),
          col.int('amount_fen'),
          col.int('used_value_fen', 0),
          col.big('cut_ms', 0),
          col.str('status', 12),
          col.int('vouchers_cancelled', 0),
          col.int('points_clawed', 0),
          col.str('reason', 128),
          col.ref('staff_id'),
          col.at('created_at'),
          col.at('done_at', true),
        ],
        [{ columns: ['period_id'], unique: true }, { columns: ['out_trade_no'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'membership_bonus',
        [
          col.bigId(),
          col.ref('member_id'),
          col.ref('plan_id'),
          col.str('order_key', 96),
          col.str('kind', 12),
          col.int('points'),
          col.str('year', 4),
          col.at('created_at'),
        ],
        [{ columns: ['order_key'], unique: true }, { columns: ['member_id', 'created_at'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'membership_caps',
        [col.bigId(), col.ref('member_id'), col.str('year', 4), col.int('points', 0)],
        [{ columns: ['member_id', 'year'], unique: true }],
      ),
    );
    await q.addColumn(
      'benefits',
      new TableColumn({ name: 'paid_members_only', type: 'int', isNullable: false, default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('benefits', 'paid_members_only');
    for (const t of [
      'membership_caps',
      'membership_bonus',
      'membership_refunds',
      'membership_purchases',
      'subscription_periods',
      'member_subscriptions',
      'membership_plans',
    ])
      await q.dropTable(t);
  }
}
