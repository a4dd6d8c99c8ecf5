import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/**
 * WeChat subscribe messages. Template ids belong to the mini-program's account
 * and change per environment, so the server lists them.
 */
export type SubscriptionTemplates = ResponseFor<'getSubscriptions'>;
export type SubscriptionTemplate = SubscriptionTemplates['templates'][number];
type ReportSubscriptionsRequest = BodyFor<'reportSubscriptions'>;
/** WeChat's answer per template: accept, reject, ban (template banned), filter (filtered). */
export type SubscribeResult = ReportSubscriptionsRequest['results'][number]['result'];

export const getSubscriptionTemplates = () => api.get<SubscriptionTemplates>('/api/me/subscriptions');

/** Reports what the member chose so the worker only sends what was accepted (one send per accept). */
export const reportSubscriptions = (body: ReportSubscriptionsRequest) =>
  api.post<ResponseFor<'reportSubscriptions'>>('/api/me/subscriptions', body);
