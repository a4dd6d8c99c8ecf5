import { api } from './client';

/** In-app inbox (the outbox worker also writes here). Types are local until shared/ has them. */
export interface Message {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface MessagesPage {
  items: Message[];
  nextCursor: string | null;
  unread: number;
}

export const getMessages = (cursor?: string | null, limit = 20) => api.get<MessagesPage>('/api/me/messages', { cursor, limit });

/** Marking read is naturally idempotent; no operation name needed. */
export const markRead = (id: string) => api.post<{ ok: true }>(`/api/me/messages/${encodeURIComponent(id)}/read`);

export const markAllRead = () => api.post<{ ok: true }>('/api/me/messages/read-all');
