import { act, render, screen } from '@testing-library/react';
import { fire } from '../taro-mock';
import { loggedInMember, serve, settle } from '../http';
import PointsPage from '../../src/pages/points/index';

const entry = (id: number, delta: number) => ({
  id: String(id),
  delta,
  type: delta > 0 ? 'credit' : 'debit',
  reason: 'purchase',
  ref: null,
  balanceAfter: 1000,
  storeId: null,
  createdAt: '2024-11-24T02:00:00Z',
});

beforeEach(loggedInMember);

it('shows the balance, expiring lots and the history; reaching the bottom loads the next cursor page', async () => {
  const sent = serve({
    'GET /api/me/points': {
      balance: 1000,
      expiringSoon: { withinDays: 30, total: 50, lots: [{ points: 50, expiresAt: '2024-12-01T15:59:59Z' }] },
    },
    'GET /api/me/points/entries': (s: { query: string }) =>
      s.query.includes('cursor=p2')
        ? { items: [entry(3, -20)], nextCursor: null }
        : { items: [entry(1, 10), entry(2, 30)], nextCursor: 'p2' },
  });
  render(<PointsPage />);
  await settle();
  expect(screen.getByTestId('points-balance').textContent).toBe('1,000');
  expect(screen.getByTestId('points-lot').textContent).toContain('2024-12-01 过期');
  expect(screen.getAllByTestId('points-entry')).toHaveLength(2);

  await act(() => fire('reachBottom'));
  await settle();
  expect(screen.getAllByTestId('points-entry')).toHaveLength(3);
  expect(screen.getByTestId('list-footer').textContent).toBe('没有更多了');
  await act(() => fire('reachBottom'));
  await settle();
  expect(sent.filter((s) => s.path === '/api/me/points/entries').map((s) => s.query)).toEqual([
    'limit=20',
    'cursor=p2&limit=20',
  ]);
});

it('shows an empty history and an error with retry for the summary', async () => {
  serve({
    'GET /api/me/points': { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'x' } },
    'GET /api/me/points/entries': { items: [], nextCursor: null },
  });
  render(<PointsPage />);
  await settle();
  expect(screen.getByTestId('state-error').textContent).toContain('服务维护中');
  expect(screen.getByTestId('state-empty').textContent).toContain('还没有积分记录');
});

it('shows pending points apart from the balance, each purchase with the day it becomes spendable', async () => {
  serve({
    'GET /api/me/points': {
      balance: 300,
      expiringSoon: { withinDays: 30, total: 0, lots: [] },
      pending: {
        total: 150,
        items: [
          { points: 100, releasesAt: '2024-12-01T16:00:00Z' },
          { points: 50, releasesAt: '2024-12-03T16:00:00Z' },
        ],
      },
    },
    'GET /api/me/points/entries': { items: [], nextCursor: null },
  });
  render(<PointsPage />);
  await settle();
  expect(screen.getByTestId('points-balance').textContent).toBe('300');
  expect(screen.getByTestId('points-pending').textContent).toContain('待到账 150 积分');
  // Business dates: the start of Dec 2 and Dec 4 in Shanghai.
  expect(screen.getAllByTestId('points-pending-item').map((e) => e.textContent)).toEqual([
    '100 积分2024-12-02 到账',
    '50 积分2024-12-04 到账',
  ]);
});

it('no pending block when nothing is held', async () => {
  serve({
    'GET /api/me/points': {
      balance: 300,
      expiringSoon: { withinDays: 30, total: 0, lots: [] },
      pending: { total: 0, items: [] },
    },
    'GET /api/me/points/entries': { items: [], nextCursor: null },
  });
  render(<PointsPage />);
  await settle();
  expect(screen.queryByTestId('points-pending')).toBeNull();
});
