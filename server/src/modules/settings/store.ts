import type { Q } from '../../db/database';

/** All SQL on `app_config`: one JSON value per setting key. */

export async function storedJson(q: Q, key: string): Promise<string | undefined> {
  return (await q.one<{ value_json: string }>('SELECT value_json FROM app_config WHERE config_key = ?', [key]))
    ?.value_json;
}

/** When the key was last set (epoch ms), or undefined while it has its default. */
export async function updatedAt(q: Q, key: string): Promise<number | undefined> {
  const row = await q.one<{ updated_at: number }>('SELECT updated_at FROM app_config WHERE config_key = ?', [key]);
  return row ? Number(row.updated_at) : undefined;
}

/** Keys an operator has set (the others use their defaults). */
export async function storedKeys(q: Q): Promise<string[]> {
  return (await q.all<{ config_key: string }>('SELECT config_key FROM app_config')).map((r) => r.config_key);
}

export async function updateJson(q: Q, key: string, json: string, now: number): Promise<void> {
  await q.exec('UPDATE app_config SET value_json = ?, updated_at = ? WHERE config_key = ?', [json, now, key]);
}

export async function insertJson(q: Q, key: string, json: string, now: number): Promise<void> {
  await q.exec('INSERT INTO app_config (config_key, value_json, updated_at) VALUES (?, ?, ?)', [key, json, now]);
}
