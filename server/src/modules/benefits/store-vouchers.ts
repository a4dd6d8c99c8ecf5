import { placeholders, type Q } from '../../db/database';

/**
 * Vouchers: issued by a redemption or a gift, written off at a till, cancelled,
 * or expired. The columns `redeemed_at`, `redeemed_store_id` and
 * `redeemed_staff_id` hold the write-off (their names predate the glossary);
 * reads alias them to `written_off_*`.
 */

export interface VoucherRow {
  id: number;
  code: string;
  benefit_id: number;
  member_id: number;
  status: string;
  cost_points: number;
  valid_until: number;
  written_off_at: number | null;
  created_at: number;
  /** The benefit's title. */
  title?: string;
}

const VOUCHER_COLUMNS =
  'v.id, v.code, v.benefit_id, v.member_id, v.status, v.cost_points, v.valid_until, v.redeemed_at AS written_off_at, v.created_at, b.title';
const FROM = 'FROM vouchers v JOIN benefits b ON b.id = v.benefit_id';

export interface NewVoucher {
  code: string;
  benefitId: number;
  memberId: number;
  costPoints: number;
  requestKey: string;
  inputHash: string;
  validUntil: number;
  now: number;
}

/** Inserts an unused voucher; a duplicate code or (member, request key) surfaces as the driver's duplicate-key error. */
export async function insertVoucherIn(q: Q, v: NewVoucher): Promise<number> {
  return q.insert(
    `INSERT INTO vouchers (code, benefit_id, member_id, status, cost_points, request_key, input_hash, valid_until, created_at) VALUES (?, ?, ?, 'unused', ?, ?, ?, ?, ?)`,
    [v.code, v.benefitId, v.memberId, v.costPoints, v.requestKey, v.inputHash, v.validUntil, v.now],
  );
}

/** The voucher a member's request key produced, if any (a replay, or a gift already given). */
export async function voucherByRequestKeyIn(
  q: Q,
  memberId: number,
  requestKey: string,
): Promise<(VoucherRow & { input_hash: string }) | undefined> {
  return q.one<VoucherRow & { input_hash: string }>(
    `SELECT v.input_hash, ${VOUCHER_COLUMNS} ${FROM} WHERE v.member_id = ? AND v.request_key = ?`,
    [memberId, requestKey],
  );
}

/** A voucher by id; with a member id, only if it is that member's. */
export async function voucherIn(q: Q, id: number, memberId: number | null = null): Promise<VoucherRow | undefined> {
  return memberId === null
    ? q.one<VoucherRow>(`SELECT ${VOUCHER_COLUMNS} ${FROM} WHERE v.id = ?`, [id])
    : q.one<VoucherRow>(`SELECT ${VOUCHER_COLUMNS} ${FROM} WHERE v.id = ? AND v.member_id = ?`, [id, memberId]);
}

export async function voucherByCodeIn(q: Q, code: string): Promise<VoucherRow | undefined> {
  return q.one<VoucherRow>(`SELECT ${VOUCHER_COLUMNS} ${FROM} WHERE v.code = ?`, [code]);
}

/** The list filters of the member's voucher page; 'expired' includes unused vouchers past their date. */
export type VoucherFilter = 'unused' | 'used' | 'expired' | 'cancelled';

/** One page of the member's vouchers, newest first, with ids below `beforeId`; `limit` + 1 rows to tell if more follow. */
export async function memberVouchersIn(
  q: Q,
  memberId: number,
  page: { status?: VoucherFilter; beforeId?: number; limit: number; now: number },
): Promise<VoucherRow[]> {
  const where: string[] = ['v.member_id = ?'];
  const params: unknown[] = [memberId];
  if (page.status === 'unused') {
    where.push("v.status = 'unused' AND v.valid_until > ?");
    params.push(page.now);
  }
  if (page.status === 'expired') {
    where.push("(v.status = 'expired' OR (v.status = 'unused' AND v.valid_until <= ?))");
    params.push(page.now);
  }
  if (page.status === 'used' || page.status === 'cancelled') {
    where.push('v.status = ?');
    params.push(page.status);
  }
  if (page.beforeId !== undefined) {
    where.push('v.id < ?');
    params.push(page.beforeId);
  }
  return q.all<VoucherRow>(
    `SELECT ${VOUCHER_COLUMNS} ${FROM} WHERE ${where.join(' AND ')} ORDER BY v.id DESC LIMIT ${Number(page.limit) + 1}`,
    params,
  );
}

/** Flips an unused, still valid voucher to cancelled; false if it was not (the flip is the guard). */
export async function cancelVoucherIn(q: Q, id: number, now: number): Promise<boolean> {
  const flipped = await q.exec(
    "UPDATE vouchers SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND status = 'unused' AND valid_until > ?",
    [now, id, now],
  );
  return flipped === 1;
}

/** Flips an unused, still valid voucher to used at a store; false if it was not (at most one till wins). */
export async function writeOffVoucherIn(
  q: Q,
  w: { code: string; storeId: number; staffId: number; now: number },
): Promise<boolean> {
  const done = await q.exec(
    "UPDATE vouchers SET status = 'used', redeemed_at = ?, redeemed_store_id = ?, redeemed_staff_id = ? WHERE code = ? AND status = 'unused' AND valid_until > ?",
    [w.now, w.storeId, w.staffId, w.code, w.now],
  );
  return done === 1;
}

/** benefit id -> vouchers issued (not cancelled) and written off, for the given benefits. */
export async function voucherTalliesIn(
  q: Q,
  benefitIds: number[],
): Promise<Map<number, { issued: number; writtenOff: number }>> {
  const out = new Map<number, { issued: number; writtenOff: number }>();
  if (!benefitIds.length) return out;
  const rows = await q.all<{ benefit_id: number; issued: number; written_off: number }>(
    `SELECT benefit_id, SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS issued, SUM(CASE WHEN status = 'used' THEN 1 ELSE 0 END) AS written_off
       FROM vouchers WHERE benefit_id IN (${placeholders(benefitIds.length)}) GROUP BY benefit_id`,
    benefitIds,
  );
  for (const r of rows)
    out.set(Number(r.benefit_id), { issued: Number(r.issued ?? 0), writtenOff: Number(r.written_off ?? 0) });
  return out;
}

/** Ids of unused vouchers past their date, oldest first: the expiry job marks them in chunks. */
export async function unusedPastDateIn(q: Q, now: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ id: number }>(
    `SELECT id FROM vouchers WHERE status = 'unused' AND valid_until <= ? ORDER BY id LIMIT ${Number(limit)}`,
    [now],
  );
  return rows.map((r) => Number(r.id));
}

/** Marks the given vouchers expired if they are still unused and past their date; returns how many. */
export async function markExpiredIn(q: Q, ids: number[], now: number): Promise<number> {
  if (!ids.length) return 0;
  return q.exec(
    `UPDATE vouchers SET status = 'expired' WHERE status = 'unused' AND valid_until <= ? AND id IN (${placeholders(ids.length)})`,
    [now, ...ids],
  );
}

/**
 * Unused vouchers whose date falls in (from, until], with the benefit's title, for
 * the reminder: one page in (valid_until, id) order after the keyset `after`, by
 * the (status, valid_until) index.
 */
export async function unusedExpiringIn(
  q: Q,
  from: number,
  until: number,
  after: { validUntil: number; id: number } | null = null,
  limit = 1000,
): Promise<{ id: number; member_id: number; title: string; valid_until: number }[]> {
  return q.all(
    `SELECT v.id, v.member_id, b.title, v.valid_until FROM vouchers v JOIN benefits b ON b.id = v.benefit_id
     WHERE v.status = 'unused' AND v.valid_until > ? AND v.valid_until <= ?
       AND (v.valid_until > ? OR (v.valid_until = ? AND v.id > ?))
     ORDER BY v.valid_until, v.id LIMIT ${Math.floor(limit)}`,
    [from, until, after?.validUntil ?? from, after?.validUntil ?? from, after?.id ?? 0],
  );
}

/** A member's vouchers for the data export, oldest first (raw columns; the exporter formats the times). */
export async function vouchersForExportIn(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all(
    'SELECT id, code, benefit_id, status, cost_points, valid_until, redeemed_at, created_at FROM vouchers WHERE member_id = ? ORDER BY id',
    [memberId],
  );
}

/** Vouchers issued in [start, end). */
export async function countIssuedIn(q: Q, start: number, end: number): Promise<number> {
  const row = await q.one<{ n: number }>(
    'SELECT COUNT(*) AS n FROM vouchers WHERE created_at >= ? AND created_at < ?',
    [start, end],
  );
  return Number(row?.n ?? 0);
}

/** Vouchers written off in [start, end), at one store or at all. */
export async function countWrittenOffIn(q: Q, start: number, end: number, storeId: number | null): Promise<number> {
  const row = await q.one<{ n: number }>(
    `SELECT COUNT(*) AS n FROM vouchers WHERE redeemed_at >= ? AND redeemed_at < ?${storeId === null ? '' : ' AND redeemed_store_id = ?'}`,
    storeId === null ? [start, end] : [start, end, storeId],
  );
  return Number(row?.n ?? 0);
}

// ---- reconcile reads --------------------------------------------------------

/** Benefits whose stock is below 0 or whose stock taken differs from their vouchers not cancelled. */
export async function stockMismatchesIn(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  return q.all(
    `SELECT b.id, b.stock_total, b.stock_left, COALESCE(v.n, 0) AS live_vouchers
       FROM benefits b LEFT JOIN (SELECT benefit_id, COUNT(*) AS n FROM vouchers WHERE status <> 'cancelled' GROUP BY benefit_id) v ON v.benefit_id = b.id
      WHERE b.stock_left < 0 OR b.stock_total - b.stock_left <> COALESCE(v.n, 0)
      LIMIT ${Number(limit)}`,
  );
}

/** Vouchers used without where and when, or with a write-off time but not used. */
export async function badWriteOffsIn(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  return q.all(
    `SELECT id, status, redeemed_at, redeemed_store_id FROM vouchers
      WHERE (status = 'used' AND (redeemed_at IS NULL OR redeemed_store_id IS NULL)) OR (status <> 'used' AND redeemed_at IS NOT NULL)
      LIMIT ${Number(limit)}`,
  );
}

export interface PaidVoucher {
  id: number;
  memberId: number;
  requestKey: string;
  status: string;
  costPoints: number;
}

/** Vouchers bought with points, ids above `after`, a page at a time. */
export async function paidVouchersAfterIn(q: Q, after: number, limit: number): Promise<PaidVoucher[]> {
  const rows = await q.all<{ id: number; member_id: number; request_key: string; status: string; cost_points: number }>(
    `SELECT id, member_id, request_key, status, cost_points FROM vouchers WHERE cost_points > 0 AND id > ? ORDER BY id LIMIT ${Number(limit)}`,
    [after],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    memberId: Number(r.member_id),
    requestKey: r.request_key,
    status: r.status,
    costPoints: Number(r.cost_points),
  }));
}

/** The operator's voucher search: every filter optional, newest first, ids below `beforeId`, `limit` + 1 rows. */
export async function searchVouchersIn(
  q: Q,
  f: { memberId?: number; code?: string; benefitId?: number; status?: VoucherFilter; beforeId?: number },
  limit: number,
  now: number,
): Promise<VoucherRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq: [string, unknown][] = [
    ['v.member_id', f.memberId],
    ['v.code', f.code],
    ['v.benefit_id', f.benefitId],
  ];
  for (const [column, value] of eq) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  // The same status meaning as the member's list: an unused voucher past its date is expired.
  if (f.status === 'unused') where.push("v.status = 'unused' AND v.valid_until > ?");
  if (f.status === 'expired') where.push("(v.status = 'expired' OR (v.status = 'unused' AND v.valid_until <= ?))");
  if (f.status === 'unused' || f.status === 'expired') params.push(now);
  if (f.status === 'used' || f.status === 'cancelled') {
    where.push('v.status = ?');
    params.push(f.status);
  }
  if (f.beforeId !== undefined) {
    where.push('v.id < ?');
    params.push(f.beforeId);
  }
  return q.all<VoucherRow>(
    `SELECT ${VOUCHER_COLUMNS} ${FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY v.id DESC LIMIT ${Math.floor(limit) + 1}`,
    params,
  );
}
