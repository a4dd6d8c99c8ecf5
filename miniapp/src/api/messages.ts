import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** In-app inbox: the notification worker writes here what it also sends as a WeChat subscribe message. */
type MessagesPage = ResponseFor<'listMessages'>;
export type Message = MessagesPage['items'][number];

export const getMessages = (cursor?: string | null, limit = 20) =>
  api.get<MessagesPage>('/api/me/messages', { cursor, limit });

/** Marking read is naturally idempotent; no operation name needed. */
export const markRead = (id: string) =>
  api.post<ResponseFor<'readMessage'>>(`/api/me/messages/${encodeURIComponent(id)}/read`);

export const markAllRead = () => api.post<ResponseFor<'readAllMessages'>>('/api/me/messages/read-all');

/** The 我的 page's badge. */
export const getUnreadCount = () => api.get<ResponseFor<'unreadCount'>>('/api/me/messages/unread-count');
