/**
 * Business-timezone calendar math. Pure: callers pass `now` and the zone, so rules
 * are testable and never read a client's clock. Uses Intl only (no tz database
 * shipped), which both Node and the mini-program runtime provide.
 */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function intlParts(instant: Date, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** The zone's offset from UTC at `t` (ms; whole seconds), from Intl. */
function intlOffset(t: number, tz: string): number {
  const p = intlParts(new Date(t), tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * Intl formatting costs microseconds and the server calls this several times per
 * request, so each zone remembers its offset for 15-minute spans of UTC (zone
 * changes fall on quarter hours). The offset is taken only when it is the same at
 * both ends of the span; a span with a change in it always asks Intl. Several spans
 * are kept: one request asks about now and about dates months away (an expiry, a
 * tier review), and a single remembered span would be replaced back and forth.
 */
const SPAN_MS = 15 * 60 * 1000;
const SPANS_KEPT = 256;
const spans = new Map<string, number | null>();

/** Wall-clock parts of an instant in a timezone (month 1-12). */
export function localParts(instant: Date, tz: string): LocalParts {
  const t = instant.getTime();
  if (!Number.isFinite(t)) return intlParts(instant, tz); // Intl's RangeError, as before
  const span = Math.floor(t / SPAN_MS);
  const key = `${span}|${tz}`;
  let offset = spans.get(key);
  if (offset === undefined) {
    const start = intlOffset(span * SPAN_MS, tz);
    offset = start === intlOffset(span * SPAN_MS + SPAN_MS - 1, tz) ? start : null;
    // Oldest first out: far dates asked once must not grow the map without bound.
    if (spans.size >= SPANS_KEPT) spans.delete(spans.keys().next().value!);
    spans.set(key, offset);
  }
  if (offset === null) return intlParts(instant, tz);
  const d = new Date(t + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The business date (YYYY-MM-DD) an instant falls on. */
export function businessDate(instant: Date, tz: string): string {
  const p = localParts(instant, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8h). */
function offsetAt(instant: Date, tz: string): number {
  const p = localParts(instant, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant.getTime() - instant.getMilliseconds());
}

/**
 * The instant of local midnight starting a calendar day in a zone. Month and day
 * may overflow (month 13 = January next year), which the expiry rules rely on.
 */
export function startOfLocalDay(year: number, month: number, day: number, tz: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  // Two passes settle the offset even across a DST change.
  let t = guess - offsetAt(new Date(guess), tz);
  t = guess - offsetAt(new Date(t), tz);
  return new Date(t);
}

/** Parses YYYY-MM-DD strictly (real calendar dates only). */
export function parseIsoDate(s: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function addDaysToIsoDate(s: string, days: number): string {
  const p = parseIsoDate(s);
  if (!p) throw new RangeError(`not a date: ${s}`);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
