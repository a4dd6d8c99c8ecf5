/**
 * What each ledger reason code means to a member, in the words the mini-program
 * shows in the points history. One table for the whole product: the server
 * writes the codes (lower_snake) and a test fails when it writes one that has no
 * label here. Codes are kept even when no longer written, so old entries still read well.
 */
export const LEDGER_REASON_LABELS = {
  purchase: '消费获得',
  refund: '退款扣回',
  checkout_redeem: '积分抵现',
  checkout_redeem_refund: '抵现退回',
  checkin: '每日签到',
  checkin_makeup: '补签',
  operator_grant: '运营发放',
  task: '完成任务',
  redemption: '兑换权益',
  redemption_cancelled: '取消兑换退回',
  manual_credit: '客服补发',
  manual_debit: '客服扣减',
  points_expired: '积分过期',
  birthday_gift: '生日礼',
  gift: '会员礼包',
  referral_inviter: '邀请好友奖励',
  referral_invitee: '受邀注册奖励',
  referral_milestone: '邀请里程碑奖励',
  churn_gift: '回归礼',
  membership_refund: '付费会员退款扣回',
} as const satisfies Record<string, string>;

export type LedgerReason = keyof typeof LEDGER_REASON_LABELS;

/** What each entry type means when a code has no label (never expected, but history must still read). */
export const LEDGER_TYPE_LABELS: Record<string, string> = {
  credit: '获得积分',
  debit: '使用积分',
  expire: '积分过期',
  adjust: '积分调整',
  reversal: '退款扣回',
};

const CODE = /^[a-z][a-z0-9_.]*$/;

export function hasLedgerLabel(reason: string): reason is LedgerReason {
  return Object.prototype.hasOwnProperty.call(LEDGER_REASON_LABELS, reason);
}

/**
 * The member-facing label of an entry: its reason's label; for an unknown code,
 * the label of its type; free text (an older operator note) is shown as it is.
 */
export function ledgerReasonLabel(reason: string, type?: string): string {
  if (hasLedgerLabel(reason)) return LEDGER_REASON_LABELS[reason];
  if (CODE.test(reason)) return (type && LEDGER_TYPE_LABELS[type]) || '积分变动';
  return reason;
}
