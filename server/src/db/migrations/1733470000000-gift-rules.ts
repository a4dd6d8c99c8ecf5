import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Gift rules (a trigger -> vouchers and/or points, set by operators) and their
 * grants: one row per (rule, member, occurrence), so a trigger that fires twice
 * (a race, a rerun) gives once. A grant is written pending by its trigger and
 * flipped once to granted, partial or skipped by the step that gives it.
 * Benefits get a member-day-only flag.
 */
export class GiftRules1733470000000 implements MigrationInterface {
  name = 'GiftRules1733470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'gift_rules',
        [
          col.bigId(),
          col.str('name', 64),
          col.str('trigger_kind', 16),
          col.str('tier_code', 16, true),
          col.int('points', 0),
          col.text('vouchers_json', false),
          col.str('status', 16),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [{ columns: ['trigger_kind', 'status'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'gift_grants',
        [
          col.bigId(),
          col.ref('rule_id'),
          col.ref('member_id'),
          col.str('occurrence', 16),
          col.str('trigger_kind', 16),
          col.str('status', 16),
          col.int('points', 0),
          col.text('vouchers_json', false),
          col.text('outcome_json'),
          col.str('owner', 64, true),
          col.big('lease_until', 0),
          col.at('created_at'),
          col.at('granted_at', true),
        ],
        [
          { columns: ['rule_id', 'member_id', 'occurrence'], unique: true },
          { columns: ['status', 'id'] },
          { columns: ['member_id'] },
          { columns: ['rule_id', 'id'] },
        ],
      ),
    );
    await q.addColumn(
      'benefits',
      new TableColumn({ name: 'member_day_only', type: 'int', isNullable: false, default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('benefits', 'member_day_only');
    await q.dropTable('gift_grants');
    await q.dropTable('gift_rules');
  }
}
