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

export const getMessages = async (cursor?: string | null, limit = 20): Promise<MessagesPage> => {
  const r = await api.get<{
    items: { id: string; kind: string; title: string; body: string; read: boolean; createdAt: string }[];
    nextCursor: string | null;
    unread: number;
  }>('/api/me/messages', { cursor, limit });
  // The server says whether a message is read; the page keeps a read time.
  return {
    items: r.items.map((m) => ({
      id: m.id,
      kind: m.kind,
      title: m.title,
      body: m.body,
      createdAt: m.createdAt,
      readAt: m.read ? m.createdAt : null,
    })),
    nextCursor: r.nextCursor,
    unread: r.unread,
  };
};

/** Marking read is naturally idempotent; no operation name needed. */
export const markRead = (id: string) => api.post<{ unread: number }>(`/api/me/messages/${encodeURIComponent(id)}/read`);

export const markAllRead = () => api.post<{ unread: number }>('/api/me/messages/read-all');
