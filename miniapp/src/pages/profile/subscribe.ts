import Taro from '@tarojs/taro';
import { reportSubscriptions, type SubscribeResult, type SubscriptionTemplate } from '../../api/subscriptions';

const RESULTS: SubscribeResult[] = ['accept', 'reject', 'ban', 'filter'];

/**
 * Asks WeChat for the member's choice per template, then tells the server.
 * Must be called straight from a tap handler with the templates already
 * loaded: WeChat refuses requestSubscribeMessage after an await on the network
 * ("can only be invoked by user TAP gesture").
 */
export async function subscribe(templates: SubscriptionTemplate[]): Promise<{ accepted: number; total: number }> {
  const tmplIds = templates.map((t) => t.templateId).slice(0, 3); // WeChat allows 3 per request
  const res = (await Taro.requestSubscribeMessage({
    tmplIds,
    entityIds: [],
  } as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, unknown>;
  const results = tmplIds.map((templateId) => {
    const r = res[templateId];
    return { templateId, result: (RESULTS.includes(r as SubscribeResult) ? r : 'reject') as SubscribeResult };
  });
  await reportSubscriptions({ results });
  return { accepted: results.filter((r) => r.result === 'accept').length, total: results.length };
}
