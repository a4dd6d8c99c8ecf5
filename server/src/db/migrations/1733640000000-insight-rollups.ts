import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/** [table, columns] of each index added here; the name is `ix_<table>_<columns>`. */
const INDEXES: [string, string[]][] = [
  // The daily rollup reads one business day of each source table by its time column.
  ['points_entries', ['created_at']],
  ['orders', ['created_at']],
  ['members', ['created_at']],
  ['vouchers', ['created_at']],
  ['vouchers', ['redeemed_at']],
  ['referrals', ['created_at']],
  ['checkins', ['business_date']],
  // The dashboard's liability leaves out closed accounts: walked by status, not over every member.
  ['members', ['status', 'id']],
];

const ixName = (t: string, columns: string[]) => `ix_${t}_${columns.join('_')}`;

/**
 * The dashboard's daily rollups: one row per business date and store (store 0
 * holds the figures of no store and those of the whole membership), with the
 * day's sums and the sets of members behind its distinct counts. A job
 * recomputes a day's rows from the source tables, so the dashboard reads
 * days x stores rows instead of the ledger.
 */
export class InsightRollups1733640000000 implements MigrationInterface {
  name = 'InsightRollups1733640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(q, 'insight_daily', [
        { name: 'business_date', type: 'varchar', length: '10', isPrimary: true },
        { name: 'store_id', type: 'bigint', isPrimary: true },
        col.big('new_members', 0),
        col.big('members_total', 0),
        col.big('points_issued', 0),
        col.big('points_redeemed', 0),
        col.big('points_expired', 0),
        col.big('points_reversed', 0),
        col.big('orders', 0),
        col.big('amount_cents', 0),
        col.big('refunded_cents', 0),
        col.big('order_points', 0),
        col.big('vouchers_issued', 0),
        col.big('written_off', 0),
        col.big('checkins', 0),
        col.big('invited', 0),
        col.big('invite_purchased', 0),
        // Member sets (exact ids while small, else a HyperLogLog sketch), see insights/member-set.ts.
        col.text('active_set'),
        col.text('buyer_set'),
        col.text('repeat_set'),
        col.text('checkin_set'),
        col.text('sharer_set'),
        col.at('computed_at'),
      ]),
    );
    for (const [t, columns] of INDEXES)
      await q.createIndex(t, new TableIndex({ name: ixName(t, columns), columnNames: columns }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [t, columns] of [...INDEXES].reverse()) await q.dropIndex(t, ixName(t, columns));
    await q.dropTable('insight_daily');
  }
}
