import type { GiftTrigger, ResponseFor } from '@huiyuan/shared';

/** Chinese labels of the gift rules page. */
export const TRIGGERS: Record<GiftTrigger, string> = {
  join: '注册入会',
  first_order: '首单',
  tier_reached: '升至等级',
  birthday: '生日',
  monthly_pack: '每月礼包',
  membership: '付费会员月礼包',
  churn: '流失挽回礼',
};
export const STATUS: Record<ResponseFor<'adminGiftGrants'>['items'][number]['status'], string> = {
  pending: '待发放',
  granted: '已发放',
  partial: '部分发放',
  skipped: '未发放',
};
export const SKIPPED: Record<string, string> = {
  out_of_stock: '库存不足',
  refused: '超限或已过期',
  unavailable: '权益已删除',
};
