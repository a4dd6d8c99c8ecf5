import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/** Nightly RFM scores per member (recomputed set-based; one row per member). */
export class Segments1732900000000 implements MigrationInterface {
  name = 'Segments1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'member_segments',
        [
          { name: 'member_id', type: 'bigint', isPrimary: true },
          col.int('recency_days'),
          col.int('frequency'),
          col.big('monetary_cents'),
          col.int('r_score'),
          col.int('f_score'),
          col.int('m_score'),
          col.str('segment', 24),
          col.at('last_order_at', true),
          col.at('computed_at'),
        ],
        [{ columns: ['segment'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('member_segments');
  }
}
