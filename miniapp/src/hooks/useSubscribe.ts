import { useCallback } from 'react';
import { getSubscriptionTemplates, type SubscriptionTemplates } from '../api/subscriptions';
import { idsToRequest, subscribeTo, type SubscribeMoment, type SubscribeOutcome } from '../subscribe';
import { toastError, toastOk } from '../utils/feedback';
import { useAsync, type AsyncState } from './useAsync';

export interface Subscriptions {
  /** Every template the member can receive, with its allowance. */
  templates: AsyncState<SubscriptionTemplates>;
  /** Something to ask for at this moment (templates loaded, not all banned). */
  can: (moment: SubscribeMoment) => boolean;
  /** A template of this moment has no send left: worth offering unasked (after a check-in or a redemption). */
  needs: (moment: SubscribeMoment) => boolean;
  /** Asks WeChat, reports the answers and toasts the outcome. Call straight from the tap handler. */
  ask: (moment: SubscribeMoment) => Promise<SubscribeOutcome | null>;
}

/**
 * Loads the templates when the page opens, so a tap can ask WeChat at once
 * (see subscribeTo). The browser build has no subscribe messages: nothing is
 * loaded there and `can` stays false.
 */
export function useSubscriptions(): Subscriptions {
  const templates = useAsync(getSubscriptionTemplates, [], { skip: process.env.TARO_ENV === 'h5' });
  const list = templates.data?.templates;
  const { setData } = templates;
  const can = useCallback((moment: SubscribeMoment) => idsToRequest(moment, list ?? []).length > 0, [list]);
  const needs = useCallback(
    (moment: SubscribeMoment) => {
      const ids = new Set(idsToRequest(moment, list ?? []));
      return (list ?? []).some((t) => ids.has(t.templateId) && t.allowance === 0);
    },
    [list],
  );
  const ask = useCallback(
    (moment: SubscribeMoment) =>
      subscribeTo(idsToRequest(moment, list ?? [])).then(
        (r) => {
          if (r) {
            setData(r.templates);
            toastOk(r.accepted > 0 ? `已订阅 ${r.accepted} 项提醒` : '已保存提醒设置');
          }
          return r;
        },
        (e: unknown) => {
          toastError(e);
          return null;
        },
      ),
    [list, setData],
  );
  return { templates, can, needs, ask };
}
