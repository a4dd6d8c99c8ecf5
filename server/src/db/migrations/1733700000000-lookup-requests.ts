import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Counter lookup by phone: `lookup_requests`, one row per clerk's request. The
 * member it reached (NULL when the number matched no member, or the number's
 * hourly budget was spent: such a row is never shown to anyone), its state, the
 * two-minute window, wrong codes typed, and once confirmed the member token's
 * window and the order it was used for.
 */
export class LookupRequests1733700000000 implements MigrationInterface {
  name = 'LookupRequests1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'lookup_requests',
        [
          { name: 'id', type: 'char', length: '32', isPrimary: true },
          col.ref('store_id'),
          col.ref('staff_id'),
          col.ref('member_id', true),
          col.str('masked_phone', 16),
          col.str('confirm_mode', 16),
          col.str('status', 12),
          col.int('attempts', 0),
          col.at('created_at'),
          col.at('expires_at'),
          col.at('confirmed_at', true),
          col.at('token_expires_at', true),
          col.at('used_at', true),
          col.str('order_no', 64, true),
        ],
        [{ columns: ['member_id', 'expires_at'] }, { columns: ['created_at'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('lookup_requests');
  }
}
