import type { Q } from '../../db/database';
import { insertIgnore } from '../../db/dialect';
import { incrementIn } from '../caps/counter';
import { memberSql } from '../members/store';

/**
 * referral_codes (a member's invite code), referrals (one row per invitee: who
 * invited them and how far the invite got) and referral_milestones (an inviter's
 * count of rewarded invites), referral_poster_codes (the mini-program code made
 * for a member's invite poster): the only file that names them.
 */

export type InviteStatus = 'registered' | 'purchased' | 'rewarded' | 'capped';

export async function codeOf(q: Q, memberId: number): Promise<string | undefined> {
  const row = await q.one<{ code: string }>('SELECT code FROM referral_codes WHERE member_id = ?', [memberId]);
  return row?.code;
}

/** Stores the code unless the member has one; a code taken by another member throws a duplicate key. */
export async function insertCode(q: Q, memberId: number, code: string, now: Date): Promise<void> {
  await q.exec(`${insertIgnore(q.dialect)} INTO referral_codes (member_id, code, created_at) VALUES (?, ?, ?)`, [
    memberId,
    code,
    now.getTime(),
  ]);
}

/** The code's owner and the owner's account status, in one read. */
export async function codeOwner(q: Q, code: string): Promise<{ memberId: number; status: string | null } | undefined> {
  const row = await q.one<{ member_id: number; status: string | null }>(
    `SELECT c.member_id, ${memberSql.status('c.member_id')} AS status FROM referral_codes c WHERE c.code = ?`,
    [code],
  );
  return row ? { memberId: Number(row.member_id), status: row.status } : undefined;
}

/** A closed account's code goes with it. */
export async function deleteCodeOf(q: Q, memberId: number): Promise<void> {
  await q.exec('DELETE FROM referral_codes WHERE member_id = ?', [memberId]);
}

// ---- poster codes

export interface PosterCodeRow {
  scene: string;
  page: string;
  env_version: string;
  png_base64: string;
}

export function posterCodeOf(q: Q, memberId: number): Promise<PosterCodeRow | undefined> {
  return q.one<PosterCodeRow>(
    'SELECT scene, page, env_version, png_base64 FROM referral_poster_codes WHERE member_id = ?',
    [memberId],
  );
}

/** Keeps the member's poster code (replacing one made for another scene, page or version). */
export async function savePosterCode(q: Q, memberId: number, r: PosterCodeRow, now: number): Promise<void> {
  await q.exec('DELETE FROM referral_poster_codes WHERE member_id = ?', [memberId]);
  await q.exec(
    'INSERT INTO referral_poster_codes (member_id, scene, page, env_version, png_base64, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [memberId, r.scene, r.page, r.env_version, r.png_base64, now],
  );
}

/** A closed account's poster code goes with its invite code. */
export async function deletePosterCodeOf(q: Q, memberId: number): Promise<void> {
  await q.exec('DELETE FROM referral_poster_codes WHERE member_id = ?', [memberId]);
}

/** Binds the invitee to the inviter unless already bound (the invitee is the key): true when bound now. */
export async function bind(q: Q, inviteeId: number, inviterId: number, now: Date): Promise<boolean> {
  const bound = await q.exec(
    `${insertIgnore(q.dialect)} INTO referrals (invitee_id, inviter_id, status, seq, created_at) VALUES (?, ?, 'registered', 0, ?)`,
    [inviteeId, inviterId, now.getTime()],
  );
  return bound === 1;
}

export async function inviterOf(q: Q, inviteeId: number): Promise<number | undefined> {
  const row = await q.one<{ inviter_id: number }>('SELECT inviter_id FROM referrals WHERE invitee_id = ?', [inviteeId]);
  return row ? Number(row.inviter_id) : undefined;
}

/**
 * Records the invitee's first purchase (kept for the funnel whatever the trigger); a
 * waiting invite becomes 'purchased'. Deferred: every checkout runs it and nothing
 * reads its result, so it rides in the checkout's next round trip.
 */
export async function markPurchased(q: Q, inviteeId: number, now: Date): Promise<void> {
  await q.defer([
    [
      'UPDATE referrals SET first_purchase_at = ? WHERE invitee_id = ? AND first_purchase_at IS NULL',
      [now.getTime(), inviteeId],
    ],
    ["UPDATE referrals SET status = 'purchased' WHERE invitee_id = ? AND status = 'registered'", [inviteeId]],
  ]);
}

/** Invitees whose first purchase was at or before `before`, oldest first. */
export async function purchasedBefore(q: Q, before: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ invitee_id: number }>(
    `SELECT invitee_id FROM referrals WHERE status = 'purchased' AND first_purchase_at <= ? ORDER BY first_purchase_at LIMIT ${Number(limit)}`,
    [before],
  );
  return rows.map((r) => Number(r.invitee_id));
}

/**
 * One page of invites due for settlement (first purchase at or before `before`),
 * in (first_purchase_at, invitee_id) order after the keyset `after`, by the
 * (status, first_purchase_at) index. The keyset lets a run walk past invites
 * that stay purchased (no reward for a closed identity) instead of seeing them again.
 */
export async function duePage(
  q: Q,
  before: number,
  after: { at: number; id: number } | null,
  limit: number,
): Promise<{ inviteeId: number; at: number }[]> {
  const rows = await q.all<{ invitee_id: number; first_purchase_at: number }>(
    `SELECT invitee_id, first_purchase_at FROM referrals WHERE status = 'purchased' AND first_purchase_at <= ?
       AND (first_purchase_at > ? OR (first_purchase_at = ? AND invitee_id > ?))
     ORDER BY first_purchase_at, invitee_id LIMIT ${Math.floor(limit)}`,
    [before, after?.at ?? -1, after?.at ?? -1, after?.id ?? 0],
  );
  return rows.map((r) => ({ inviteeId: Number(r.invitee_id), at: Number(r.first_purchase_at) }));
}

/** The purchase was refunded: the invite waits for another first purchase. */
export async function unmarkPurchased(q: Q, inviteeId: number): Promise<void> {
  await q.exec(
    "UPDATE referrals SET status = 'registered', first_purchase_at = NULL WHERE invitee_id = ? AND status = 'purchased'",
    [inviteeId],
  );
}

/** An invite over the inviter's daily cap: bound, never rewarded. */
export async function markCapped(q: Q, inviteeId: number): Promise<void> {
  await q.exec(
    "UPDATE referrals SET status = 'capped' WHERE invitee_id = ? AND status IN ('registered', 'purchased')",
    [inviteeId],
  );
}

/** Flips a waiting invite to rewarded as the inviter's `seq`-th; false when it was not waiting. */
export async function markRewarded(q: Q, inviteeId: number, seq: number, now: Date): Promise<boolean> {
  const flipped = await q.exec(
    "UPDATE referrals SET status = 'rewarded', rewarded_at = ?, seq = ? WHERE invitee_id = ? AND status IN ('registered', 'purchased')",
    [now.getTime(), seq, inviteeId],
  );
  return flipped === 1;
}

/** Counts one more rewarded invite under the inviter's row lock and returns the count. */
export function countRewarded(q: Q, inviterId: number, now: Date): Promise<number> {
  return incrementIn(q, 'referral_milestones', { inviter_id: inviterId }, 'rewarded', 1, { updated_at: now.getTime() });
}

export async function rewardedCount(q: Q, inviterId: number): Promise<number> {
  const row = await q.one<{ rewarded: number }>('SELECT rewarded FROM referral_milestones WHERE inviter_id = ?', [
    inviterId,
  ]);
  return Number(row?.rewarded ?? 0);
}

/** The inviter's latest invites, newest first. */
export async function invitesOf(q: Q, inviterId: number, limit: number) {
  const rows = await q.all<{ invitee_id: number; status: string; created_at: number }>(
    `SELECT invitee_id, status, created_at FROM referrals WHERE inviter_id = ? ORDER BY created_at DESC LIMIT ${Number(limit)}`,
    [inviterId],
  );
  return rows.map((r) => ({
    inviteeId: Number(r.invitee_id),
    status: r.status as InviteStatus,
    createdAt: Number(r.created_at),
  }));
}

/** Invites bound in [from, to) (epoch ms), and how many of those invitees made a first purchase. */
/** Members whose invite bound a new member in [from, to) (the dashboard's sharers). */
export async function countInviters(q: Q, from: number, to: number): Promise<number> {
  const row = await q.one<{ n: number }>(
    'SELECT COUNT(DISTINCT inviter_id) AS n FROM referrals WHERE created_at >= ? AND created_at < ?',
    [from, to],
  );
  return Number(row?.n ?? 0);
}

export async function inviteFunnel(q: Q, from: number, to: number): Promise<{ registered: number; purchased: number }> {
  const row = await q.one<{ n: number; p: number }>(
    'SELECT COUNT(*) AS n, COUNT(first_purchase_at) AS p FROM referrals WHERE created_at >= ? AND created_at < ?',
    [from, to],
  );
  return { registered: Number(row?.n ?? 0), purchased: Number(row?.p ?? 0) };
}

/** Ids of members whose invite bound a new member in [from, to) (a day's sharers). */
export async function inviterIdsIn(q: Q, from: number, to: number): Promise<number[]> {
  const rows = await q.all<{ inviter_id: number }>(
    'SELECT DISTINCT inviter_id FROM referrals WHERE created_at >= ? AND created_at < ?',
    [from, to],
  );
  return rows.map((r) => Number(r.inviter_id));
}
