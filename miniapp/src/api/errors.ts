import type { ErrorCode } from '@huiyuan/shared';

/**
 * Chinese text for every error code the server returns. `satisfies` makes the
 * compiler fail when shared/src/api/errors.ts gains a code that has no text here.
 * Members see these words, so they say what to do next, not what broke.
 */
const SERVER_MESSAGES = {
  VALIDATION_FAILED: '填写的信息有误，请检查后重试',
  MALFORMED_BODY: '请求格式有误，请更新小程序后重试',
  UNAUTHENTICATED: '请先登录',
  TOKEN_INVALID: '登录状态已失效，请重新登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  BAD_CREDENTIALS: '账号或密码错误',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '内容不存在或已下架',
  METHOD_NOT_ALLOWED: '请求方式不正确',
  MEMBER_NOT_FOUND: '未找到该会员',
  IDEMPOTENCY_CONFLICT: '上次的操作已提交，请稍后刷新查看结果',
  INSUFFICIENT_POINTS: '积分不足',
  BIRTHDAY_ALREADY_SET: '生日只能设置一次，已设置过',
  USERNAME_TAKEN: '用户名已被占用',
  STORE_CODE_TAKEN: '门店编号已存在',
  MEMBER_CODE_INVALID: '会员码无效或已过期，请会员刷新后重新出示',
  LOOKUP_NOT_FOUND: '确认请求不存在或已过期，请重新发起',
  LOOKUP_CODE_INVALID: '确认码不正确或已过期',
  MEMBER_TOKEN_INVALID: '会员凭证已失效，请会员重新出示会员码',
  MEMBER_CODE_REPLAYED: '该会员码已使用，请会员出示新的会员码',
  STORE_REQUIRED: '该账号未绑定门店，请联系管理员',
  SELF_CREDIT_FORBIDDEN: '店员不能为自己的会员账号积分',
  DAILY_CAP_REACHED: '今日积分已达上限',
  ORDER_NOT_FOUND: '本店没有该订单',
  REFUND_EXCEEDS_ORDER: '退款金额超过订单剩余金额',
  REDEEM_LIMIT_EXCEEDED: '超出本单可用积分（抵现比例、余额或今日上限）',
  REDEEM_CODE_REQUIRED: '请会员刷新会员码后再扫一次，确认使用积分',
  ALREADY_CHECKED_IN: '今天已经签到过了',
  MAKEUP_NOT_ALLOWED: '这一天不能补签',
  TASK_NOT_FOUND: '任务不存在',
  TASK_ALREADY_DONE: '本期任务已完成',
  TASK_NOT_DONE: '任务还未完成，完成后再来领取',
  TASK_DAILY_CAP: '该任务今天已达上限，明天再来',
  TASK_TOO_EARLY: '再多看一会儿，完成后再来领取',
  BENEFIT_NOT_FOUND: '权益不存在或已下架',
  BENEFIT_NOT_AVAILABLE: '该权益当前不可兑换',
  OUT_OF_STOCK: '已兑完，下次早点来',
  LIMIT_REACHED: '已达到该权益的兑换上限',
  MEMBER_DAY_ONLY: '该权益仅限会员日兑换',
  PLAN_NOT_FOUND: '该会员方案已下架，请选择其他方案',
  PLAN_CODE_TAKEN: '方案编号已存在',
  PAID_MEMBERS_ONLY: '该权益仅限付费会员兑换，开通后即可兑换',
  PAY_UNAVAILABLE: '暂时无法支付，请稍后再试',
  PAY_ORDER_NOT_FOUND: '未找到该支付订单',
  PAY_ORDER_NOT_PAID: '该订单未支付或已退款',
  PAY_SIGNATURE_INVALID: '支付校验失败，请稍后再试',
  PAY_REJECTED: '微信支付暂时无法处理，请稍后再试',
  GIFT_RULE_NOT_FOUND: '礼遇规则不存在',
  TIER_TOO_LOW: '会员等级不足，升级后即可兑换',
  VOUCHER_NOT_FOUND: '券不存在',
  VOUCHER_USED: '该券已使用',
  VOUCHER_EXPIRED: '该券已过期',
  VOUCHER_CANCELLED: '该券已作废',
  REFERRAL_INVALID: '邀请码无效',
  JOB_NOT_FOUND: '任务不存在',
  CONFIG_INVALID: '配置有误',
  BODY_TOO_LARGE: '提交的内容过大',
  IMAGE_TYPE_UNSUPPORTED: '请上传 PNG、JPEG 或 WebP 图片',
  IMAGE_INVALID: '图片无法读取，请换一张',
  UNSUPPORTED_MEDIA_TYPE: '请求格式有误，请更新小程序后重试',
  WECHAT_CODE_INVALID: '微信登录失败，请重试',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  WECHAT_RATE_LIMITED: '微信登录繁忙，请稍后再试',
  WECHAT_UNAVAILABLE: '暂时连不上微信，请稍后再试',
  WECHAT_QUOTA_EXCEEDED: '今日生成次数已用完，请明天再试',
  WECHAT_REJECTED: '微信暂不支持该操作，请联系客服',
  POLICY_OUTDATED: '隐私政策已更新，请阅读新版后再同意',
  CONSENT_REQUIRED: '请先阅读并同意隐私政策',
  PHONE_CODE_INVALID: '手机号验证已失效，请重新点击获取',
  PHONE_TYPING_DISABLED: '请使用微信绑定手机号',
  SERVICE_UNAVAILABLE: '服务维护中，请稍后再试',
  OVERLOADED: '当前人数较多，请稍后再试',
  INTERNAL: '系统开小差了，请稍后再试',
} satisfies Record<ErrorCode, string>;

/** Codes made on the device, never by the server (see ClientErrorCode). */
const CLIENT_MESSAGES = {
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  TIMEOUT: '请求超时，请稍后重试',
  LOGIN_FAILED: '微信登录失败，请重试',
  BAD_RESPONSE: '服务返回异常，请稍后再试',
  STAFF_LOGIN_REQUIRED: '请先登录店员账号',
  UNKNOWN: '出错了，请稍后再试',
} satisfies Record<ClientErrorCode, string>;

/** Codes the client itself produces when no server answer is available. */
type ClientErrorCode =
  'NETWORK_ERROR' | 'TIMEOUT' | 'LOGIN_FAILED' | 'BAD_RESPONSE' | 'STAFF_LOGIN_REQUIRED' | 'UNKNOWN';

export const ERROR_MESSAGES: Readonly<Record<string, string>> = { ...SERVER_MESSAGES, ...CLIENT_MESSAGES };

function messageFor(code: string, status?: number): string {
  const known = ERROR_MESSAGES[code];
  if (known) return known;
  // An unknown code from a newer server: fall back on the status class.
  if (status !== undefined && status >= 500) return ERROR_MESSAGES.INTERNAL;
  if (status === 429) return ERROR_MESSAGES.RATE_LIMITED;
  return ERROR_MESSAGES.UNKNOWN;
}

/**
 * What every api/* function rejects with. `message` is ready for the UI; the
 * server's own English text stays in `serverMessage` for logs.
 */
export class ApiError extends Error {
  readonly code: string;
  /** HTTP status, or 0 when the server was not reached. */
  readonly status: number;
  readonly serverMessage?: string;
  readonly details?: unknown;
  readonly requestId?: string;

  constructor(init: { code: string; status: number; serverMessage?: string; details?: unknown; requestId?: string }) {
    super(messageFor(init.code, init.status));
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.details = init.details;
    this.requestId = init.requestId;
  }

  /**
   * True when we cannot know whether the server applied the call (no answer,
   * or a 5xx/429): the same idempotency key must be reused by the retry.
   */
  get outcomeUnknown(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** UI helper: any thrown value to a sentence. */
export function errorText(e: unknown): string {
  return isApiError(e) ? e.message : ERROR_MESSAGES.UNKNOWN;
}
