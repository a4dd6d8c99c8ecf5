import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Points as cash at the till and pending purchase points. An order records the
 * points it was paid with, what they paid and how many came back by refunds; a
 * refund records what it gave back and what it took from points still pending.
 * Pending points (purchase points not yet spendable) have their own rows, one
 * per purchase with what was held, cancelled and released, and their own
 * append-only entries; the ledger gets its credit only when they are released.
 */
export class PointsCashPending1733480000000 implements MigrationInterface {
  name = 'PointsCashPending1733480000000';

  async up(q: QueryRunner): Promise<void> {
    for (const name of ['redeemed_points', 'discount_cents', 'redeem_returned'])
      await q.addColumn('orders', new TableColumn({ name, type: 'bigint', isNullable: false, default: 0 }));
    for (const name of ['redeem_returned', 'pending_cancelled'])
      await q.addColumn('refunds', new TableColumn({ name, type: 'bigint', isNullable: false, default: 0 }));

    await q.createTable(
      table(
        q,
        'points_pending',
        [
          col.bigId(),
          col.ref('member_id'),
          col.str('idem_key', 160),
          col.big('points'),
          col.big('cancelled', 0),
          col.big('released', 0),
          col.str('state', 12),
          col.at('release_at'),
          col.str('reason', 48),
          col.str('ref', 128, true),
          col.ref('store_id', true),
          col.ref('operator_id', true),
          col.text('note'),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [
          { columns: ['idem_key'], unique: true },
          { columns: ['state', 'release_at', 'id'] },
          { columns: ['member_id', 'state'] },
        ],
      ),
    );

    await q.createTable(
      table(
        q,
        'points_pending_entries',
        [
          col.bigId(),
          col.ref('pending_id'),
          col.ref('member_id'),
          col.big('delta'),
          col.str('kind', 12),
          col.str('idem_key', 160),
          col.at('created_at'),
        ],
        [{ columns: ['idem_key'], unique: true }, { columns: ['pending_id'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('points_pending_entries');
    await q.dropTable('points_pending');
    for (const name of ['pending_cancelled', 'redeem_returned']) await q.dropColumn('refunds', name);
    for (const name of ['redeem_returned', 'discount_cents', 'redeemed_points']) await q.dropColumn('orders', name);
  }
}
