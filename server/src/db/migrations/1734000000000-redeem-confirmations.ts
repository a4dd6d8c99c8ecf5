import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Points as cash confirmed on the member's phone: a lookup request may also be a
 * clerk's request to pay part of one order with points. `purpose` says which
 * (existing rows are lookups); a redeem request carries the points and the order
 * amount the member agrees to, and its order number from the start.
 */
export class RedeemConfirmations1734000000000 implements MigrationInterface {
  name = 'RedeemConfirmations1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('lookup_requests', [
      new TableColumn({ name: 'purpose', type: 'varchar', length: '8', isNullable: false, default: "'lookup'" }),
      new TableColumn({ name: 'points', type: 'int', isNullable: true }),
      new TableColumn({ name: 'amount_cents', type: 'bigint', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('lookup_requests', ['purpose', 'points', 'amount_cents']);
  }
}
