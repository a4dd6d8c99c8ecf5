import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import * as store from './store';

/** The member-facing words for each notification (the in-app inbox is Chinese UI text). */
export function messageText(
  kind: string,
  p: Record<string, unknown>,
): { title: string; body: string; page: string | null } {
  switch (kind) {
    case 'tier_changed':
      return p.direction === 'up'
        ? {
            title: '会员等级升级',
            body: `恭喜！您已升级为${p.toName}，积分倍率和专属权益已生效。`,
            page: 'member/tier/index',
          }
        : {
            title: '会员等级调整',
            body: `您的会员等级已调整为${p.toName}。继续消费可重新升级。`,
            page: 'member/tier/index',
          };
    case 'tier_at_risk':
      return {
        title: '保级提醒',
        body: `再获得 ${p.needed} 成长值即可保住当前等级，截止 ${String(p.graceUntil ?? '').slice(0, 10)}。`,
        page: 'member/tier/index',
      };
    case 'points_expiring':
      return {
        title: '积分即将过期',
        body: `您有 ${p.points} 积分将于 ${p.expiresOn} 过期，记得及时使用。`,
        page: 'pages/points/index',
      };
    case 'voucher_expiring':
      return {
        title: '优惠券即将过期',
        body: `「${p.title}」将于 ${p.validUntil} 过期。`,
        page: 'member/vouchers/index',
      };
    case 'birthday_gift':
      return { title: '生日快乐', body: `生日礼 ${p.points} 积分已到账，祝您生日快乐！`, page: 'pages/index/index' };
    case 'referral_reward':
      return {
        title: '邀请奖励到账',
        body: `好友已加入，您获得 ${p.points} 积分（已成功邀请 ${p.invites} 人）。`,
        page: 'member/invite/index',
      };
    case 'churn_wakeup':
      return {
        title: '好久不见',
        body: p.voucher
          ? `我们为您准备了一份回归礼「${p.voucher}」，快来看看吧。`
          : '好久不见，最近有新的会员权益，快来看看吧。',
        page: 'pages/benefits/index',
      };
    case 'checkin_reminder':
      return {
        title: '签到提醒',
        body: `您已连续签到 ${p.streak} 天，今天还没签到，别让连续记录中断哦。`,
        page: 'pages/index/index',
      };
    case 'gift_granted':
      return {
        title: String(p.title ?? '会员礼遇到账'),
        body: `${p.summary}${Number(p.vouchers) > 0 ? '，券已放入券包' : '，积分已到账'}。`,
        page: Number(p.vouchers) > 0 ? 'member/vouchers/index' : 'pages/points/index',
      };
    case 'membership_expired':
      return {
        title: '付费会员已到期',
        body: `您的${p.planTitle ?? '付费会员'}已于 ${p.endDate} 到期，会员专享权益已停止。续费后立即恢复。`,
        page: 'member/membership/index',
      };
    case 'lookup_request':
      return {
        title: '会员身份确认',
        body: `${p.storeName}的店员正在通过手机号查找您的会员身份，如是本人在店，请在 2 分钟内确认。`,
        page: 'member/confirm/index',
      };
    default:
      return { title: '会员消息', body: '您有一条新消息', page: null };
  }
}

/** In-app inbox: every notification lands here (once, by its dedupe key), whatever happens on WeChat. */
export class Inbox {
  constructor(private readonly db: Database) {}

  async putIn(
    q: Q,
    m: { memberId: number; kind: string; dedupeKey: string; payload: Record<string, unknown> },
    now: number,
  ): Promise<void> {
    const t = messageText(m.kind, m.payload);
    await store.insertInboxMessage(
      q,
      {
        memberId: m.memberId,
        kind: m.kind,
        title: t.title,
        body: t.body.slice(0, 255),
        page: t.page,
        dedupeKey: m.dedupeKey,
      },
      now,
    );
  }

  async list(memberId: number, cursor: string | undefined, limit: number) {
    let before = Number.MAX_SAFE_INTEGER;
    if (cursor) {
      before = Number(Buffer.from(cursor, 'base64url').toString());
      if (!Number.isSafeInteger(before) || before <= 0)
        throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
    }
    return this.db.read(async (q) => {
      const rows = await store.inboxPage(q, memberId, before, limit + 1);
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({
          id: String(r.id),
          kind: r.kind,
          title: r.title,
          body: r.body,
          page: r.page,
          read: r.read_at !== null,
          createdAt: new Date(Number(r.created_at)).toISOString(),
        })),
        nextCursor: rows.length > limit ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
        unread: await store.unreadCount(q, memberId),
      };
    });
  }

  async unread(memberId: number): Promise<number> {
    return this.db.read((q) => store.unreadCount(q, memberId));
  }

  async markRead(memberId: number, id: number | 'all', now: number): Promise<number> {
    return this.db.tx(async (q) => {
      if (id === 'all') await store.markAllRead(q, memberId, now);
      else {
        if (!(await store.ownsMessage(q, memberId, id))) throw new AppError('NOT_FOUND', 'No such message');
        await store.markMessageRead(q, memberId, id, now);
      }
      return store.unreadCount(q, memberId);
    });
  }
}
