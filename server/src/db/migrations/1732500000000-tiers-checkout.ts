import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Tiers and growth value, the rotating member code, store checkouts and refunds,
 * daily credit caps, and the notification outbox (written with its cause).
 */
export class TiersCheckout1732500000000 implements MigrationInterface {
  name = 'TiersCheckout1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'member_tiers',
        [
          { name: 'member_id', type: 'bigint', isPrimary: true },
          col.str('tier_code', 16),
          col.at('since_at'),
          col.at('grace_until', true),
          col.at('evaluated_at', true),
          col.at('updated_at'),
        ],
        [{ columns: ['tier_code'] }],
      ),
    );

    // Append-only, like the points ledger: growth in a window is a SUM over it.
    await q.createTable(
      table(
        q,
        'growth_entries',
        [
          col.bigId(),
          col.ref('member_id'),
          col.big('delta'),
          col.str('source', 24),
          col.str('ref', 128, true),
          col.str('label', 128, true),
          col.str('idem_key', 160),
          col.ref('store_id', true),
          col.at('created_at'),
        ],
        [{ columns: ['idem_key'], unique: true }, { columns: ['member_id', 'created_at'] }],
      ),
    );

    await q.createTable(
      table(q, 'member_secrets', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        col.str('secret_hex', 64),
        col.at('created_at'),
      ]),
    );

    // One row per (member, TOTP step) used: the unique key refuses a replayed code.
    await q.createTable(
      table(q, 'member_code_uses', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'step', type: 'bigint', isPrimary: true },
        col.ref('store_id'),
        col.ref('staff_id'),
        col.str('order_no', 64, true),
        col.at('used_at'),
      ]),
    );

    await q.createTable(
      table(
        q,
        'orders',
        [
          col.bigId(),
          col.ref('store_id'),
          col.str('order_no', 64),
          col.ref('member_id'),
          col.ref('staff_id'),
          col.big('amount_cents'),
          col.big('points', 0),
          col.big('growth', 0),
          col.big('refunded_cents', 0),
          col.big('refunded_points', 0),
          col.big('refunded_growth', 0),
          { name: 'input_hash', type: 'char', length: '64' },
          col.text('result_json'),
          { name: 'business_date', type: 'char', length: '10' },
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [
          { columns: ['store_id', 'order_no'], unique: true },
          { columns: ['member_id', 'created_at'] },
          { columns: ['store_id', 'business_date'] },
        ],
      ),
    );

    await q.createTable(
      table(
        q,
        'refunds',
        [
          col.bigId(),
          col.ref('order_id'),
          col.ref('store_id'),
          col.str('idem_key', 64),
          col.big('amount_cents'),
          col.big('points'),
          col.big('growth'),
          col.ref('staff_id'),
          { name: 'input_hash', type: 'char', length: '64' },
          col.text('result_json'),
          col.at('created_at'),
        ],
        [{ columns: ['store_id', 'idem_key'], unique: true }, { columns: ['order_id'] }],
      ),
    );

    await q.createTable(
      table(q, 'daily_counters', [
        { name: 'scope', type: 'varchar', length: '24', isPrimary: true },
        { name: 'subject_id', type: 'bigint', isPrimary: true },
        { name: 'business_date', type: 'char', length: '10', isPrimary: true },
        col.big('amount', 0),
      ]),
    );

    await q.createTable(
      table(
        q,
        'outbox',
        [
          col.bigId(),
          col.str('dedupe_key', 160),
          col.str('kind', 32),
          col.ref('member_id', true),
          col.text('payload_json', false),
          col.str('status', 16),
          col.int('attempts', 0),
          col.at('next_attempt_at'),
          col.text('last_error'),
          col.at('created_at'),
          col.at('sent_at', true),
        ],
        [
          { columns: ['dedupe_key'], unique: true },
          { columns: ['status', 'next_attempt_at'] },
          { columns: ['member_id'] },
        ],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'daily_counters',
      'refunds',
      'orders',
      'member_code_uses',
      'member_secrets',
      'growth_entries',
      'member_tiers',
    ]) {
      await q.dropTable(t);
    }
  }
}
