import type { Database, Q } from '../../db/database';
import { insertIgnore, nowMs } from '../../db/dialect';
import type { TokenStore } from './messages';

/** All SQL on `wechat_tokens`: the access token shared by every server instance. */

const NAME = 'access_token';

export async function loadToken(q: Q): Promise<{ token: string; expiresAt: number } | null> {
  const row = await q.one<{ token: string; expires_at: number }>(
    'SELECT token, expires_at FROM wechat_tokens WHERE name = ?',
    [NAME],
  );
  return row ? { token: row.token, expiresAt: Number(row.expires_at) } : null;
}

/** Overwrites the token; the first save creates the row (insert-ignore: two first saves keep one row). */
export async function saveToken(q: Q, token: string, expiresAt: number, now: number): Promise<void> {
  const n = await q.exec('UPDATE wechat_tokens SET token = ?, expires_at = ?, updated_at = ? WHERE name = ?', [
    token,
    expiresAt,
    now,
    NAME,
  ]);
  if (n === 0)
    await q.exec(
      `${insertIgnore(q.dialect)} INTO wechat_tokens (name, token, expires_at, updated_at) VALUES (?, ?, ?, ?)`,
      [NAME, token, expiresAt, now],
    );
}

/**
 * Takes the forced-refresh lease for `windowMs` past the database's clock: true
 * for one caller per window across all instances. The lease is not given back
 * early: the window itself is WeChat's limit. The row is made on first use.
 */
export async function takeRefreshLease(q: Q, owner: string, windowMs: number, now: number): Promise<boolean> {
  await q.exec(
    `${insertIgnore(q.dialect)} INTO wechat_tokens (name, token, expires_at, updated_at) VALUES (?, '', 0, ?)`,
    [NAME, now],
  );
  const db = nowMs(q.dialect);
  return (
    (await q.exec(
      `UPDATE wechat_tokens SET refresh_owner = ?, refresh_until = ${db} + ? WHERE name = ? AND refresh_until < ${db}`,
      [owner, windowMs, NAME],
    )) === 1
  );
}

/** The forced refresh of `owner` is over: nobody waits for it any more (the window stays). */
export async function endRefresh(q: Q, owner: string): Promise<void> {
  await q.exec("UPDATE wechat_tokens SET refresh_owner = '' WHERE name = ? AND refresh_owner = ?", [NAME, owner]);
}

/** Whether some instance holds the forced-refresh lease and has not ended its refresh. */
export async function refreshUnderWay(q: Q): Promise<boolean> {
  return !!(await q.one(
    `SELECT name FROM wechat_tokens WHERE name = ? AND refresh_owner <> '' AND refresh_until >= ${nowMs(q.dialect)}`,
    [NAME],
  ));
}

/** The token store the message sender uses: in the database, so every instance shares one token. */
export function dbTokenStore(db: Database, now: () => number = Date.now): TokenStore {
  return {
    load: () => db.read((q) => loadToken(q)),
    save: (token, expiresAt) => db.tx((q) => saveToken(q, token, expiresAt, now())),
    takeRefresh: (owner, windowMs) => db.tx((q) => takeRefreshLease(q, owner, windowMs, now())),
    endRefresh: (owner) => db.tx((q) => endRefresh(q, owner)),
    refreshing: () => db.read((q) => refreshUnderWay(q)),
  };
}
