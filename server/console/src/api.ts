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
  BENEFIT_NOT_FOUND: '权益不存在',
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
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
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

export const yuan = (cents: number) =>
  `¥${(cents / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
export const daysAgo = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - n * 86_400_000));
