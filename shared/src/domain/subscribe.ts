/**
 * Every notification kind. Declared here, not beside the settings schemas, so
 * the mini-program can import the subscribe rules without zod.
 */
export const NOTIFICATION_KINDS = [
  'tier_changed',
  'tier_at_risk',
  'points_expiring',
  'voucher_expiring',
  'birthday_gift',
  'referral_reward',
  'churn_wakeup',
  'checkin_reminder',
  'gift_granted',
  'lookup_request',
  'membership_expired',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * WeChat subscribe-message data rules. A value that breaks its field type's rule
 * is refused by WeChat (47003), so it is checked (and `thing` shortened) before
 * sending. The field type is the key's prefix: thing1, number2, phrase3...
 */
const RULES: Record<string, { max: number; pattern?: RegExp; label: string }> = {
  thing: { max: 20, label: 'text' },
  number: { max: 32, pattern: /^-?\d+(\.\d+)?$/, label: 'number' },
  letter: { max: 32, pattern: /^[A-Za-z]+$/, label: 'letters' },
  symbol: { max: 5, pattern: /^[^\p{L}\p{N}]+$/u, label: 'symbols' },
  character_string: { max: 32, pattern: /^[A-Za-z0-9\-_.:/#@]+$/, label: 'letters, digits or symbols' },
  time: { max: 40, pattern: /^\d{4}[-年/]\d{1,2}[-月/]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$/, label: 'date and time' },
  date: { max: 40, pattern: /^\d{4}[-年/]\d{1,2}[-月/]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$/, label: 'date' },
  amount: { max: 11, pattern: /^[¥$]?\d+(\.\d{1,2})?元?$/, label: 'amount' },
  phone_number: { max: 17, pattern: /^[\d+\- ]+$/, label: 'phone number' },
  car_number: { max: 8, label: 'plate' },
  name: { max: 10, label: 'name' },
  phrase: { max: 5, pattern: /^[\u4e00-\u9fa5]+$/, label: 'Chinese phrase' },
};

export function fieldType(key: string): string | null {
  const m = /^([a-z_]+?)\d+$/.exec(key);
  return m && RULES[m[1]] ? m[1] : null;
}

/** The error for one field value, or null when WeChat will accept it. */
export function checkField(key: string, value: string): string | null {
  const type = fieldType(key);
  if (!type) return `unknown field type for ${key}`;
  const r = RULES[type];
  if (value.length === 0) return `${key}: empty`;
  if ([...value].length > r.max) return `${key}: at most ${r.max} characters of ${r.label}`;
  if (r.pattern && !r.pattern.test(value)) return `${key}: must be ${r.label}`;
  return null;
}

/** Fills `{name}` placeholders from the payload; `thing` values too long are shortened with an ellipsis. */
export function renderFields(
  fields: Record<string, string>,
  payload: Record<string, unknown>,
): { data: Record<string, { value: string }>; errors: string[] } {
  const data: Record<string, { value: string }> = {};
  const errors: string[] = [];
  for (const [key, tpl] of Object.entries(fields)) {
    let value = tpl.replace(/\{(\w+)\}/g, (_, name: string) =>
      payload[name] === undefined || payload[name] === null ? '' : String(payload[name]),
    );
    if (fieldType(key) === 'thing' && [...value].length > 20) value = `${[...value].slice(0, 19).join('')}…`;
    const err = checkField(key, value);
    if (err) errors.push(err);
    data[key] = { value };
  }
  return { data, errors };
}

/** Quiet hours in business time, e.g. 22 -> 8 spans midnight. Equal hours mean no quiet time. */
export function inQuietHours(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * When the mini-program asks for subscriptions, and for which notification kinds.
 * WeChat only shows the prompt from a tap, so each moment is a tap the member
 * makes anyway; `profile` offers every kind (also those with no other moment).
 */
export const SUBSCRIBE_MOMENTS = {
  checkin: ['checkin_reminder'],
  tier: ['tier_changed', 'tier_at_risk'],
  birthday: ['birthday_gift'],
  redemption: ['voucher_expiring', 'points_expiring'],
  profile: NOTIFICATION_KINDS,
} as const satisfies Record<string, readonly NotificationKind[]>;
export type SubscribeMoment = keyof typeof SUBSCRIBE_MOMENTS;

/** WeChat's limit of template ids per requestSubscribeMessage call. */
export const MAX_TEMPLATES_PER_REQUEST = 3;

/** Template ids in groups of at most 3 (duplicates and empty ids dropped), one requestSubscribeMessage call each. */
export function chunkTemplateIds(ids: readonly string[]): string[][] {
  const unique = [...new Set(ids.filter((id) => id.length > 0))];
  const groups: string[][] = [];
  for (let i = 0; i < unique.length; i += MAX_TEMPLATES_PER_REQUEST) {
    groups.push(unique.slice(i, i + MAX_TEMPLATES_PER_REQUEST));
  }
  return groups;
}

/**
 * The template ids to request at a moment, from GET /api/me/subscriptions:
 * templates the member has banned are left out (WeChat would not ask again).
 */
export function templateIdsForMoment(
  moment: SubscribeMoment,
  templates: readonly { key: string; templateId: string; banned: boolean }[],
): string[] {
  const kinds: readonly string[] = SUBSCRIBE_MOMENTS[moment];
  return templates.filter((t) => kinds.includes(t.key) && !t.banned).map((t) => t.templateId);
}
