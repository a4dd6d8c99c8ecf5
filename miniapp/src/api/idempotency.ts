import { isIdempotencyKey } from '@huiyuan/shared/src/api/idempotency';
import { KEYS, readJson, remove, writeJson } from './storage';

/**
 * Reliable submission, TigerBeetle style: the client makes the operation's key,
 * stores it BEFORE sending, and reuses it on every retry until the server gives
 * a definitive answer. If the app dies after the server applied the call but
 * before the answer arrived, the next attempt sends the same key and the server
 * returns the first result instead of applying it twice.
 *
 * An `operation` names one user intent (e.g. `checkin:2024-11-24`,
 * `redeem:<benefitId>`); the key stored under it is forgotten on success or on a
 * definitive refusal, so the next intentional repeat gets a new key.
 */

/** A new key: about 21 of [a-z0-9-], within the server's Idempotency-Key rule (shared `isIdempotencyKey`). */
export function newKey(): string {
  const g = globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } };
  const bytes = new Uint8Array(12);
  // The mini-program has no WebCrypto; uniqueness (not secrecy) is what matters
  // here, and the timestamp prefix keeps keys from two devices apart anyway.
  if (g.crypto?.getRandomValues) g.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let rand = '';
  for (const b of bytes) rand += (b % 36).toString(36);
  return `m${Date.now().toString(36)}-${rand}`;
}

interface StoredOp {
  key: string;
  createdAt: number;
}

const storageKey = (operation: string) => KEYS.opPrefix + operation;

/**
 * A day-old unsettled attempt is more likely a new intent than a retry (and
 * older than what the server needs to keep for replays): start afresh.
 */
const MAX_AGE_MS = 24 * 3600_000;

/** The key for this operation: the stored one if an earlier attempt left it, else a new one, persisted now. */
export function keyFor(operation: string, now = Date.now()): string {
  const stored = readJson<StoredOp>(storageKey(operation));
  // A stored key the server would refuse (left by an older build, say) is replaced rather than retried.
  if (stored && isIdempotencyKey(stored.key) && now - stored.createdAt < MAX_AGE_MS) return stored.key;
  const key = newKey();
  writeJson(storageKey(operation), { key, createdAt: now } satisfies StoredOp);
  return key;
}

/** The operation reached a definitive end (success or refusal): forget its key. */
export function settle(operation: string): void {
  remove(storageKey(operation));
}

/** Whether an attempt of this operation is still unsettled (UI may say "正在确认上次的提交"). */
export function isPending(operation: string): boolean {
  return readJson<StoredOp>(storageKey(operation)) !== null;
}

/**
 * Names an operation the caller did not name: method, path and a hash of the
 * body. Re-sending the same request while an earlier attempt is unsettled
 * (even after a restart) therefore reuses its key.
 */
export function autoOperation(method: string, path: string, body: unknown): string {
  const text = `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`;
  // FNV-1a, 32 bit: a name, not a security boundary.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `auto:${method}:${path}:${h.toString(36)}`;
}
