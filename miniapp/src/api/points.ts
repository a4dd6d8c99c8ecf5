import type { PointsEntriesPage, PointsSummary } from '@huiyuan/shared';
import { api } from './client';

export const getPointsSummary = () => api.get<PointsSummary>('/api/me/points');

/** Newest first; pass `nextCursor` back until it is null. */
export const getPointsEntries = (cursor?: string | null, limit = 20) =>
  api.get<PointsEntriesPage>('/api/me/points/entries', { cursor, limit });
