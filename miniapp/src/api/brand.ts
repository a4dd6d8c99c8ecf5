import type { ResponseFor } from '@huiyuan/shared';
import { api, buildUrl } from './client';
import { KEYS, readJson, writeJson } from './storage';
import { DEFAULT_BRAND } from '../ui/brand';

/** GET /api/brand: the operator's name, logo, card background and colours (no login needed). */
export type Brand = ResponseFor<'getBrand'>;

/** Uploaded images are served by the API (`/images/...`): the mini-program needs the full address. */
export const assetUrl = (u: string | null | undefined): string | null =>
  !u ? null : u.startsWith('/') ? buildUrl(u) : u;

let current: Brand | null = null;
let inFlight: Promise<Brand> | null = null;
const listeners = new Set<(b: Brand) => void>();

/** The brand last seen (stored, so the next launch paints in its colours at once), else the defaults. */
export function cachedBrand(): Brand {
  if (!current) current = { ...DEFAULT_BRAND, ...(readJson<Partial<Brand>>(KEYS.brand) ?? {}) };
  return current;
}

/** Fetched once per launch; a failure keeps the cached or default brand (the app works unbranded). */
export function loadBrand(): Promise<Brand> {
  if (!inFlight) {
    inFlight = api
      .get<Brand>('/api/brand', undefined, { auth: 'none', retries: 0 })
      .then((b) => {
        current = { ...DEFAULT_BRAND, ...b };
        writeJson(KEYS.brand, current);
        for (const l of listeners) l(current);
        return current;
      })
      .catch(() => cachedBrand());
  }
  return inFlight;
}

export function onBrand(l: (b: Brand) => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

/** Tests start from the defaults. */
export function resetBrand(): void {
  current = null;
  inFlight = null;
  listeners.clear();
}
