/** Normalises a mainland mobile number to its 11 digits (drops +86). */
export function normalizePhone(phone: string): string {
  // Spaces and dashes are how people type numbers; the lookup HMAC must not depend on them.
  const compact = phone.replace(/[\s-]/g, '');
  const digits = compact.length > 11 ? compact.replace(/^\+?86/, '') : compact;
  if (!/^1[3-9][0-9]{9}$/.test(digits)) throw new RangeError('not a mainland mobile number');
  return digits;
}

/** 13800000000 -> 138****0000: what members and staff see. */
export function maskPhone(phone: string): string {
  const d = normalizePhone(phone);
  return d.length === 11 ? `${d.slice(0, 3)}****${d.slice(7)}` : '****';
}

/** 张三丰 -> 张**, Alice -> A****: masked names for staff screens. */
export function maskName(name: string | null): string {
  if (!name) return '会员';
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, Math.min(4, chars.length - 1)));
}
