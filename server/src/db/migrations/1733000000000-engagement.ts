import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/** Check-in, tasks, the points mall (benefits, vouchers) and referrals. */
export class Engagement1733000000000 implements MigrationInterface {
  name = 'Engagement1733000000000';

  async up(q: QueryRunner): Promise<void> {
    // The primary key is the guarantee: one check-in per member per business day.
    await q.createTable(
      table(q, 'checkins', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'business_date', type: 'char', length: '10', isPrimary: true },
        col.str('kind', 8),
        col.int('streak', 0),
        col.big('points', 0),
        col.at('created_at'),
      ]),
    );
    await q.createTable(
      table(q, 'makeup_cards', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        col.int('cards', 0),
        col.at('updated_at'),
      ]),
    );
    await q.createTable(
      table(q, 'task_completions', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'task_code', type: 'varchar', length: '32', isPrimary: true },
        { name: 'period_key', type: 'varchar', length: '16', isPrimary: true },
        col.big('points', 0),
        col.big('growth', 0),
        col.at('created_at'),
      ]),
    );
    await q.createTable(
      table(
        q,
        'benefits',
        [
          col.bigId(),
          col.str('title', 64),
          col.text('description'),
          col.str('kind', 16),
          col.big('cost_points'),
          col.big('stock_total'),
          col.big('stock_left'),
          col.int('per_member_limit', 0),
          col.str('min_tier', 16, true),
          col.at('visible_from', true),
          col.at('visible_until', true),
          col.int('valid_days', 0),
          col.at('valid_until', true),
          col.str('status', 16),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [{ columns: ['status'] }],
      ),
    );
    // Per-member redemption count with a conditional update: no count-then-insert.
    await q.createTable(
      table(q, 'benefit_member_counts', [
        { name: 'benefit_id', type: 'bigint', isPrimary: true },
        { name: 'member_id', type: 'bigint', isPrimary: true },
        col.int('redeemed', 0),
      ]),
    );
    await q.createTable(
      table(
        q,
        'vouchers',
        [
          col.bigId(),
          col.str('code', 32),
          col.ref('benefit_id'),
          col.ref('member_id'),
          col.str('status', 16),
          col.big('cost_points'),
          col.str('request_key', 80),
          { name: 'input_hash', type: 'char', length: '64' },
          col.at('valid_until'),
          col.at('redeemed_at', true),
          col.ref('redeemed_store_id', true),
          col.ref('redeemed_staff_id', true),
          col.at('cancelled_at', true),
          col.at('created_at'),
        ],
        [
          { columns: ['code'], unique: true },
          { columns: ['member_id', 'request_key'], unique: true },
          { columns: ['member_id', 'status'] },
          { columns: ['status', 'valid_until'] },
        ],
      ),
    );
    await q.createTable(
      table(
        q,
        'referral_codes',
        [{ name: 'member_id', type: 'bigint', isPrimary: true }, col.str('code', 16), col.at('created_at')],
        [{ columns: ['code'], unique: true }],
      ),
    );
    // One row per invitee: the primary key makes "one inviter per member" a fact.
    await q.createTable(
      table(
        q,
        'referrals',
        [
          { name: 'invitee_id', type: 'bigint', isPrimary: true },
          col.ref('inviter_id'),
          col.str('status', 16),
          col.int('seq', 0),
          col.at('first_purchase_at', true),
          col.at('rewarded_at', true),
          col.at('created_at'),
        ],
        [{ columns: ['inviter_id', 'created_at'] }],
      ),
    );
    await q.createTable(
      table(q, 'referral_milestones', [
        { name: 'inviter_id', type: 'bigint', isPrimary: true },
        col.int('rewarded', 0),
        col.at('updated_at'),
      ]),
    );
    // Hashes of closed accounts' openids and phones: a deleted account cannot come back as a "new" invitee.
    await q.createTable(
      table(q, 'closed_identities', [
        { name: 'identity_hash', type: 'char', length: '64', isPrimary: true },
        col.at('closed_at'),
      ]),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'closed_identities',
      'referral_milestones',
      'referrals',
      'referral_codes',
      'vouchers',
      'benefit_member_counts',
      'benefits',
      'task_completions',
      'makeup_cards',
      'checkins',
    ]) {
      await q.dropTable(t);
    }
  }
}
