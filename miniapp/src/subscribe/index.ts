import Taro from '@tarojs/taro';
import {
  MAX_TEMPLATES_PER_REQUEST,
  chunkTemplateIds,
  templateIdsForMoment,
  type SubscribeMoment,
} from '@huiyuan/shared/src/domain/subscribe';
import {
  reportSubscriptions,
  type SubscribeResult,
  type SubscriptionTemplate,
  type SubscriptionTemplates,
} from '../api/subscriptions';

export type { SubscribeMoment };

const RESULTS: SubscribeResult[] = ['accept', 'reject', 'ban', 'filter'];

/**
 * The template ids one tap asks for at a moment: that moment's templates the
 * member has not banned, the ones with the fewest sends left first, at most 3
 * (WeChat's limit per call). A moment with more templates asks for the rest on
 * later taps, as the allowances of the first ones grow.
 */
export function idsToRequest(moment: SubscribeMoment, templates: readonly SubscriptionTemplate[]): string[] {
  const wanted = new Set(templateIdsForMoment(moment, templates));
  const ordered = templates
    .filter((t) => wanted.has(t.templateId))
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.allowance - b.t.allowance || a.i - b.i)
    .map(({ t }) => t.templateId);
  return (chunkTemplateIds(ordered)[0] ?? []).slice(0, MAX_TEMPLATES_PER_REQUEST);
}

export interface SubscribeOutcome {
  accepted: number;
  asked: number;
  /** The templates with their allowances after the report. */
  templates: SubscriptionTemplates;
}

/**
 * Asks WeChat for the member's choice per template, then tells the server.
 * Must be called straight from a tap handler with the ids already known:
 * WeChat refuses requestSubscribeMessage once the tap has awaited the network
 * ("can only be invoked by user TAP gesture"). The WeChat call below is made
 * before this function's first await, so it still runs inside the tap.
 */
export async function subscribeTo(tmplIds: string[]): Promise<SubscribeOutcome | null> {
  if (tmplIds.length === 0) return null;
  const asked = tmplIds.slice(0, MAX_TEMPLATES_PER_REQUEST);
  const res = (await Taro.requestSubscribeMessage({
    tmplIds: asked,
    entityIds: [],
  } as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, unknown>;
  const results = asked.map((templateId) => {
    const r = res[templateId];
    return { templateId, result: (RESULTS.includes(r as SubscribeResult) ? r : 'reject') as SubscribeResult };
  });
  const templates = await reportSubscriptions({ results });
  return { accepted: results.filter((r) => r.result === 'accept').length, asked: asked.length, templates };
}
