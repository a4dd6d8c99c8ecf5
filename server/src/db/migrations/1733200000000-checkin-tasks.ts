import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Check-in additions: client keys of check-ins and the make-up card entries.
 * The check-in, make-up card and task completion tables are in Engagement1733000000000.
 */
export class CheckinTasks1733200000000 implements MigrationInterface {
  name = 'CheckinTasks1733200000000';

  async up(q: QueryRunner): Promise<void> {
    // The client's Idempotency-Key of a check-in -> the business date it checked in.
    // A retry that arrives after midnight answers with the first day instead of
    // checking in the next day on the strength of yesterday's tap.
    await q.createTable(
      table(q, 'checkin_requests', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'request_key', type: 'varchar', length: '64', isPrimary: true },
        { name: 'business_date', type: 'char', length: '10' },
        col.at('created_at'),
      ]),
    );
    // Make-up cards are a small ledger of their own: every grant and every use is a
    // row with a unique key (so a replayed grant adds nothing), and the cached count
    // in makeup_cards changes in the same transaction (checked by reconcile).
    await q.createTable(
      table(q, 'makeup_card_entries', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'entry_key', type: 'varchar', length: '80', isPrimary: true },
        col.int('delta'),
        col.str('reason', 32),
        col.ref('operator_id', true),
        col.str('note', 200, true),
        col.at('created_at'),
      ]),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('makeup_card_entries');
    await q.dropTable('checkin_requests');
  }
}
