import { NOTIFICATION_KINDS } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { allowancesOf, recordAnswer } from './store';
import type { Settings } from '../settings/settings';

/**
 * Subscription allowances: each "accept" from wx.requestSubscribeMessage allows
 * one message for that template; "ban" stops it until the member subscribes
 * again from settings. Counts change only by conditional updates.
 */
export class Subscriptions {
  constructor(
    private readonly db: Database,
    private readonly settings: Settings,
  ) {}

  async view(memberId: number) {
    const cfg = await this.settings.get('notifications');
    const rows = await this.db.read((q) => allowancesOf(q, memberId));
    const byKey = new Map(rows.map((r) => [r.template_key, r]));
    return {
      templates: NOTIFICATION_KINDS.flatMap((key) => {
        const t = cfg.templates[key];
        if (!t) return [];
        const r = byKey.get(key);
        return [
          {
            key,
            templateId: t.templateId,
            title: t.title,
            allowance: Number(r?.allowance ?? 0),
            banned: Number(r?.banned ?? 0) === 1,
          },
        ];
      }),
    };
  }

  async report(
    memberId: number,
    results: { templateId: string; result: 'accept' | 'reject' | 'ban' | 'filter' }[],
    now: number,
  ) {
    const cfg = await this.settings.get('notifications');
    const keyOf = new Map(Object.entries(cfg.templates).map(([k, t]) => [t!.templateId, k]));
    await this.db.tx(async (q) => {
      for (const r of results) {
        const key = keyOf.get(r.templateId);
        if (!key) continue; // a template we no longer use
        await recordAnswer(q, memberId, key, r.result, now);
      }
    });
    return this.view(memberId);
  }
}
