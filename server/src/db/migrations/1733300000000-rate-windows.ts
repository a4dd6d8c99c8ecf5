import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Rate limits, throttles and lockouts shared by every server instance: one counter
 * row per (scope, subject, source, window start), added to by an upsert. Kept in
 * the database so N instances allow the same budget as one and a restart resets
 * nothing. `expires_at` (the window's end) lets the retention job delete old
 * windows in bounded chunks by index.
 */
export class RateWindows1733300000000 implements MigrationInterface {
  name = 'RateWindows1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'rate_windows',
        [
          { name: 'scope', type: 'varchar', length: '32', isPrimary: true },
          // Who the limit is about (an address, an openid, a username, store:member).
          { name: 'subject', type: 'varchar', length: '100', isPrimary: true },
          // Where the attempts come from when the limit is per pair (a staff lockout per address), else ''.
          { name: 'source', type: 'varchar', length: '64', isPrimary: true },
          { name: 'window_start', type: 'bigint', isPrimary: true },
          col.at('expires_at'),
          col.int('hits', 0),
        ],
        [{ columns: ['expires_at'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rate_windows');
  }
}
