import type { ResponseFor, TierRules } from '@huiyuan/shared';

/** The console's only HTTP caller: operator token, JSON, and readable errors. */
const MESSAGES: Record<string, string> = {
  BAD_CREDENTIALS: '用户名或密码错误',
  FORBIDDEN: '当前账号无权执行此操作',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  TOKEN_INVALID: '登录已失效，请重新登录',
  UNAUTHENTICATED: '请先登录',
  VALIDATION_FAILED: '输入有误',
  NOT_FOUND: '未找到',
  MEMBER_NOT_FOUND: '会员不存在',
  INSUFFICIENT_POINTS: '会员积分不足',
  IDEMPOTENCY_CONFLICT: '已存在或重复提交',
  USERNAME_TAKEN: '用户名已被占用',
  STORE_CODE_TAKEN: '门店编号已存在',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  GIFT_RULE_NOT_FOUND: '礼遇规则不存在',
  PLAN_NOT_FOUND: '会员方案不存在',
  PLAN_CODE_TAKEN: '方案编号已存在',
  PAY_UNAVAILABLE: '微信支付未配置或暂不可用',
  BENEFIT_NOT_FOUND: '权益不存在',
  VOUCHER_NOT_FOUND: '券不存在',
  VOUCHER_USED: '券已核销',
  VOUCHER_EXPIRED: '券已过期',
  VOUCHER_CANCELLED: '券已作废',
  ORDER_NOT_FOUND: '该门店没有这个订单',
  REFUND_EXCEEDS_ORDER: '退款金额超过订单可退金额',
  BODY_TOO_LARGE: '文件太大（最大 5 MB）',
  UNSUPPORTED_MEDIA_TYPE: '只支持 PNG、JPEG、WebP 图片',
};

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let token = sessionStorage.getItem('hy-op-token') ?? '';
export const session = {
  get token() {
    return token;
  },
  set(t: string) {
    token = t;
    sessionStorage.setItem('hy-op-token', t);
  },
  clear() {
    token = '';
    sessionStorage.removeItem('hy-op-token');
  },
};

/** `T` is the endpoint's answer from shared's table: `api<ResponseFor<'adminMetrics'>>('GET', ...)`. */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<T> {
  const raw = body instanceof Blob;
  const res = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': raw ? body.type : 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    const code = data?.code ?? 'INTERNAL';
    if (res.status === 401 && path !== '/api/staff/login') session.clear();
    const issues = data?.details?.issues
      ?.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`)
      .join('\n');
    throw new ApiError(
      code,
      `${MESSAGES[code] ?? data?.message ?? '请求失败'}${issues ? `\n${issues}` : ''}`,
      data?.details,
    );
  }
  return data as T;
}

/** The tier ladder from the settings (empty until set), for pickers that name a tier. */
export async function loadTiers(): Promise<TierRules['tiers']> {
  const settings = await api<ResponseFor<'adminListSettings'>>('GET', '/api/admin/settings');
  return (settings.items.find((s) => s.key === 'tiers.rules')?.value as TierRules | undefined)?.tiers ?? [];
}

export const yuan = (cents: number) =>
  `¥${(cents / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
export const daysAgo = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - n * 86_400_000));

/** A fresh key for one operator action (refunds): a retry of the same form reuses it. */
export const newKey = () => `console-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** `2026-12-02T10:00:00Z` -> local `2026-12-02 18:00` for tables. */
export const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

/** Server issue paths (`body.value.tiers.0.name`) as field paths of a form (`tiers.0.name`). */
export function fieldErrors(details: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  const issues = (details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  for (const i of issues) {
    const p = i.path.startsWith(prefix) ? i.path.slice(prefix.length).replace(/^\./, '') : i.path;
    out[p] ??= i.message;
  }
  return out;
}
