/**
 * Display formatting. Business dates are China time (Asia/Shanghai, UTC+8, no
 * DST), the business timezone the server computes them in from its own clock,
 * whatever the phone's timezone: an expiry "2024-12-31" must read the same on
 * every device.
 */
const BUSINESS_OFFSET_MS = 8 * 3600_000;

const shifted = (iso: string) => new Date(Date.parse(iso) + BUSINESS_OFFSET_MS);

/** ISO instant -> YYYY-MM-DD in business time. */
export function formatDate(iso: string): string {
  const d = shifted(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/** ISO instant -> YYYY-MM-DD HH:mm in business time. */
export function formatDateTime(iso: string): string {
  const d = shifted(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`;
}

/** 12345 -> "12,345" (toLocaleString is unreliable in the mini-program runtime). */
export function formatPoints(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** +120 / -80: ledger deltas always carry a sign. */
export const formatDelta = (n: number) => (n > 0 ? `+${formatPoints(n)}` : formatPoints(n));

/** Integer cents -> "¥12.30". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}¥${formatPoints(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * "12.3" / "12" / "12.30" -> 1230. Parsed as text so 0.1 + 0.2 style float
 * errors never reach an amount; null when it is not a valid positive amount.
 */
export function parseYuanToCents(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}
