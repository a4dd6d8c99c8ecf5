import type { Q } from '../../db/database';
import { placeholders } from '../../db/database';
import { insertIgnore } from '../../db/dialect';

/**
 * All SQL on `members` and `closed_identities`. Other modules call these
 * functions (or splice the fragments below into their own statement on a hot
 * path); they never name the tables.
 */

export interface ProfileRow {
  id: number;
  nickname: string | null;
  birthday: string | null;
  phone_enc: string | null;
  phone_verified: number;
  consent_version: string | null;
  consent_at: number | null;
  token_version: number;
  created_at: number;
}

export interface AccountState {
  id: number;
  status: string;
  token_version: number;
}

// ---- registration and login -------------------------------------------------

/** Registers an identity unless its openid exists (unique key): 1 when created, 0 when it was there. */
export function insertMemberIgnore(q: Q, openid: string, unionid: string | null, now: number): Promise<number> {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO members (openid, unionid, status, token_version, created_at, updated_at) VALUES (?, ?, 'active', 0, ?, ?)`,
    [openid, unionid, now, now],
  );
}

export function memberByOpenid(
  q: Q,
  openid: string,
): Promise<{ id: number; status: string; token_version: number; unionid: string | null } | undefined> {
  return q.one('SELECT id, status, token_version, unionid FROM members WHERE openid = ?', [openid]);
}

export async function setUnionid(q: Q, memberId: number, unionid: string, now: number): Promise<void> {
  await q.exec('UPDATE members SET unionid = ?, updated_at = ? WHERE id = ?', [unionid, now, memberId]);
}

export async function tokenVersionOf(q: Q, memberId: number): Promise<number | undefined> {
  const row = await q.one<{ token_version: number }>('SELECT token_version FROM members WHERE id = ?', [memberId]);
  return row ? Number(row.token_version) : undefined;
}

/**
 * Status and token version of many accounts in ONE `IN` query (member auth batches
 * its reads this way); ids absent from the table are absent from the result.
 */
export function accountStates(q: Q, ids: number[]): Promise<AccountState[]> {
  if (!ids.length) return Promise.resolve([]);
  return q.all<AccountState>(
    `SELECT id, status, token_version FROM members WHERE id IN (${placeholders(ids.length)})`,
    ids,
  );
}

// ---- profile --------------------------------------------------------------

/** The active member's own profile row, or undefined for a missing or closed account. */
export function activeProfile(q: Q, memberId: number): Promise<ProfileRow | undefined> {
  return q.one<ProfileRow>(
    "SELECT id, nickname, birthday, phone_enc, phone_verified, consent_version, consent_at, token_version, created_at FROM members WHERE id = ? AND status = 'active'",
    [memberId],
  );
}

export async function setNickname(q: Q, memberId: number, nickname: string | null, now: number): Promise<void> {
  await q.exec('UPDATE members SET nickname = ?, updated_at = ? WHERE id = ?', [nickname, now, memberId]);
}

/** Sets the birthday only when none is set (conditional update: of two first settings one wins); 1 when set. */
export function setBirthdayOnce(q: Q, memberId: number, birthday: string, now: number): Promise<number> {
  // birthday_md ('MM-DD') is written with it: the birthday job finds the day's members by its index.
  return q.exec('UPDATE members SET birthday = ?, birthday_md = ?, updated_at = ? WHERE id = ? AND birthday IS NULL', [
    birthday,
    birthday.slice(5, 10),
    now,
    memberId,
  ]);
}

/** The phone, encrypted, with its lookup hash; `verified` when it came from WeChat's getPhoneNumber. */
export async function setPhone(
  q: Q,
  memberId: number,
  phoneEnc: string,
  phoneHmac: string,
  now: number,
  verified = false,
) {
  await q.exec('UPDATE members SET phone_enc = ?, phone_hmac = ?, phone_verified = ?, updated_at = ? WHERE id = ?', [
    phoneEnc,
    phoneHmac,
    verified ? 1 : 0,
    now,
    memberId,
  ]);
}

/**
 * Records the member's acceptance of a policy version. Accepting the version
 * already accepted changes nothing (the first time is kept): 1 when recorded now.
 */
export function setConsent(q: Q, memberId: number, version: string, now: number): Promise<number> {
  return q.exec(
    'UPDATE members SET consent_version = ?, consent_at = ?, updated_at = ? WHERE id = ? AND (consent_version IS NULL OR consent_version <> ?)',
    [version, now, now, memberId, version],
  );
}

// ---- reads for other modules ------------------------------------------------

export async function memberExists(q: Q, memberId: number): Promise<boolean> {
  return !!(await q.one('SELECT id FROM members WHERE id = ?', [memberId]));
}

/** Nickname (null when unset), or undefined when there is no such member. */
export async function nicknameOf(q: Q, memberId: number): Promise<{ nickname: string | null } | undefined> {
  return q.one<{ nickname: string | null }>('SELECT nickname FROM members WHERE id = ?', [memberId]);
}

/** Nicknames of several members in one query (ids without a row are absent). */
export async function nicknamesOf(q: Q, ids: number[]): Promise<Map<number, string | null>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await q.all<{ id: number; nickname: string | null }>(
    `SELECT id, nickname FROM members WHERE id IN (${placeholders(unique.length)})`,
    unique,
  );
  return new Map(rows.map((r) => [Number(r.id), r.nickname]));
}

/** Fields a staff lookup and the profile task look at. */
export function contactOf(
  q: Q,
  memberId: number,
): Promise<{ nickname: string | null; birthday: string | null; phone_enc: string | null } | undefined> {
  return q.one('SELECT nickname, birthday, phone_enc FROM members WHERE id = ?', [memberId]);
}

/** The WeChat identity and account state (messages go to active members' openid only). */
export function openidOf(q: Q, memberId: number): Promise<{ openid: string; status: string } | undefined> {
  return q.one('SELECT openid, status FROM members WHERE id = ?', [memberId]);
}

export function statusOf(q: Q, memberId: number): Promise<{ status: string } | undefined> {
  return q.one('SELECT status FROM members WHERE id = ?', [memberId]);
}

export async function phoneHmacOf(q: Q, memberId: number): Promise<string | null> {
  const row = await q.one<{ phone_hmac: string | null }>('SELECT phone_hmac FROM members WHERE id = ?', [memberId]);
  return row?.phone_hmac ?? null;
}

/** When the member registered (epoch ms), or undefined. */
export async function registeredAt(q: Q, memberId: number): Promise<number | undefined> {
  const row = await q.one<{ created_at: number }>('SELECT created_at FROM members WHERE id = ?', [memberId]);
  return row ? Number(row.created_at) : undefined;
}

/** When each of these members registered (absent: no such member), in one statement. */
export async function registeredAtOf(q: Q, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await q.all<{ id: number; created_at: number }>(
    `SELECT id, created_at FROM members WHERE id IN (${placeholders(ids.length)})`,
    ids,
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.created_at)]));
}

/** Operators' view of accounts (any status). */
export function accountsOf(
  q: Q,
  ids: number[],
): Promise<{ id: number; nickname: string | null; phone_enc: string | null; status: string; created_at: number }[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return Promise.resolve([]);
  return q.all(
    `SELECT id, nickname, phone_enc, status, created_at FROM members WHERE id IN (${placeholders(unique.length)})`,
    unique,
  );
}

/** Members whose phone has this lookup hash (operators' search). */
export async function idsByPhoneHash(q: Q, phoneHmac: string): Promise<number[]> {
  return (await q.all<{ id: number }>('SELECT id FROM members WHERE phone_hmac = ?', [phoneHmac])).map((r) =>
    Number(r.id),
  );
}

/** Keyset walk over every member id (any status), for set-based jobs and checks. */
export async function memberIdsAfter(q: Q, after: number, limit: number): Promise<number[]> {
  return (
    await q.all<{ id: number }>(`SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ${Math.floor(limit)}`, [after])
  ).map((r) => Number(r.id));
}

/** Keyset walk over active members registered before `before` (churn candidates). */
export async function activeIdsRegisteredBefore(q: Q, after: number, before: number, limit: number) {
  return (
    await q.all<{ id: number }>(
      `SELECT id FROM members WHERE id > ? AND status = 'active' AND created_at < ? ORDER BY id LIMIT ${Math.floor(limit)}`,
      [after, before],
    )
  ).map((r) => Number(r.id));
}

/** Active members whose birthday (MM-DD) is one of `days`, by id from `after`. */
export async function birthdaysAfter(q: Q, after: number, days: string[], limit: number): Promise<number[]> {
  if (!days.length) return [];
  return (
    await q.all<{ id: number }>(
      `SELECT id FROM members WHERE birthday_md IN (${placeholders(days.length)}) AND id > ? AND status = 'active'
      ORDER BY id LIMIT ${Math.floor(limit)}`,
      [...days, after],
    )
  ).map((r) => Number(r.id));
}

/** Members registered in [from, to) (from null: since the start). */
export async function countRegistered(q: Q, from: number | null, to: number): Promise<number> {
  const row =
    from === null
      ? await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE created_at < ?', [to])
      : await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE created_at >= ? AND created_at < ?', [
          from,
          to,
        ]);
  return Number(row?.n ?? 0);
}

/**
 * SQL fragments for a hot path that needs a member condition inside another
 * owner's single statement (a split would add a round trip). `col` is the
 * caller's member-id column expression, never user input.
 */
export const memberSql = {
  /** True when `col` is an active member. */
  isActive: (col: string) => `EXISTS (SELECT 1 FROM members mm WHERE mm.id = ${col} AND mm.status = 'active')`,
  /** The member's status as a scalar subquery (NULL when there is no such member). */
  status: (col: string) => `(SELECT mm.status FROM members mm WHERE mm.id = ${col})`,
  /** The member's nickname as a scalar subquery. */
  nickname: (col: string) => `(SELECT mm.nickname FROM members mm WHERE mm.id = ${col})`,
};

// ---- privacy ------------------------------------------------------------------

/** Everything the member may download about their account (the phone still encrypted). */
export function exportRow(q: Q, memberId: number) {
  return q.one<Record<string, unknown> & { phone_enc: string | null; phone_verified: number }>(
    'SELECT id, openid, unionid, nickname, birthday, phone_enc, phone_verified, consent_version, consent_at, status, created_at FROM members WHERE id = ?',
    [memberId],
  );
}

export function identityOf(q: Q, memberId: number) {
  return q.one<{ openid: string; phone_hmac: string | null; status: string }>(
    'SELECT openid, phone_hmac, status FROM members WHERE id = ?',
    [memberId],
  );
}

/**
 * Closes an account: personal fields are cleared, the openid is replaced by a
 * placeholder (`pseudoOpenid`) so the WeChat identity may register anew, and the
 * token version moves on so every open session ends.
 */
export async function closeAccount(q: Q, memberId: number, pseudoOpenid: string, now: number): Promise<void> {
  await q.exec(
    `UPDATE members SET openid = ?, unionid = NULL, nickname = NULL, birthday = NULL, birthday_md = NULL, phone_enc = NULL, phone_hmac = NULL, phone_verified = 0,
       consent_version = NULL, consent_at = NULL, status = 'deleted', token_version = token_version + 1, updated_at = ? WHERE id = ?`,
    [pseudoOpenid, now, memberId],
  );
}

export async function isClosedIdentity(q: Q, identityHash: string): Promise<boolean> {
  return !!(await q.one('SELECT identity_hash FROM closed_identities WHERE identity_hash = ?', [identityHash]));
}

/** Remembers a closed identity hash once (a second close of the same identity is a no-op). */
export async function rememberClosedIdentity(q: Q, identityHash: string, now: number): Promise<void> {
  if (!(await isClosedIdentity(q, identityHash)))
    await q.exec('INSERT INTO closed_identities (identity_hash, closed_at) VALUES (?, ?)', [identityHash, now]);
}
