import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Membership refunds count their attempts at WeChat Pay: a refund WeChat Pay
 * closed (never paid out) is asked again under a new key when the operator
 * retries, while the membership refund stays one per period.
 */
export class MembershipRefundAttempts1734100000000 implements MigrationInterface {
  name = 'MembershipRefundAttempts1734100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'membership_refunds',
      new TableColumn({ name: 'attempts', type: 'int', isNullable: false, default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('membership_refunds', 'attempts');
  }
}
