import { api } from './client';

/**
 * WeChat subscribe messages. Template ids belong to the mini-program's account
 * and change per environment, so the server lists them.
 * Types are local until shared/src/api has a subscriptions schema.
 */
export interface SubscriptionTemplate {
  templateId: string;
  /** What the member is subscribing to, in Chinese (积分变动, 券到期提醒...). */
  title: string;
}

export interface SubscriptionTemplates {
  templates: SubscriptionTemplate[];
}

/** WeChat's answer per template: accept, reject, ban (template banned), filter (filtered). */
export type SubscribeResult = 'accept' | 'reject' | 'ban' | 'filter';

export interface ReportSubscriptionsRequest {
  results: { templateId: string; result: SubscribeResult }[];
}

export const getSubscriptionTemplates = () => api.get<SubscriptionTemplates>('/api/me/subscriptions');

/** Reports what the member chose so the worker only sends what was accepted (one send per accept). */
export const reportSubscriptions = (body: ReportSubscriptionsRequest) =>
  api.post<{ ok: true }>('/api/me/subscriptions', body);
