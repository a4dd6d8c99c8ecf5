import type { Database, Q } from '../../db/database';
import { insertIgnore } from '../../db/dialect';
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

/** The token store the message sender uses: in the database, so every instance shares one token. */
export function dbTokenStore(db: Database, now: () => number = Date.now): TokenStore {
  return {
    load: () => db.read((q) => loadToken(q)),
    save: (token, expiresAt) => db.tx((q) => saveToken(q, token, expiresAt, now())),
  };
}
