import type { ImageWidth } from '@huiyuan/shared';

/**
 * Image keys and links. A key is `<id>.<ext>` (what a benefit stores); its link is
 * `/images/<id>-<width>.<ext>`, relative to the API's origin.
 */
export const imageKey = (id: number, ext: string) => `${id}.${ext}`;

export function imageUrl(key: string | null | undefined, width: ImageWidth = 480): string | null {
  const m = key ? /^([0-9]+)\.([a-z]+)$/.exec(key) : null;
  return m ? `/images/${m[1]}-${width}.${m[2]}` : null;
}

/** `<id>-<width>.<ext>` from a request path's last segment, or null when it is not one. */
export function parseVariantName(name: string): { id: number; width: number; ext: string } | null {
  const m = /^([1-9][0-9]{0,15})-([0-9]{2,4})\.([a-z]{3,4})$/.exec(name);
  return m ? { id: Number(m[1]), width: Number(m[2]), ext: m[3] } : null;
}
