import { render, screen } from '@testing-library/react';
import PointsEntryItem, { entryTitle } from './index';

const entry = {
  id: '1',
  delta: 120,
  type: 'credit' as const,
  reason: 'purchase',
  ref: 'A1',
  balanceAfter: 1120,
  storeId: '1',
  createdAt: '2024-11-24T02:05:00.000Z',
};

it('renders title, business time, signed delta and balance after', () => {
  render(<PointsEntryItem entry={entry} />);
  const row = screen.getByTestId('points-entry');
  expect(row.textContent).toContain('消费获得');
  expect(row.textContent).toContain('2024-11-24 10:05');
  expect(row.textContent).toContain('+120');
  expect(row.textContent).toContain('余额 1,120');
});

it('shows the shared label of each reason, the type for an unknown code, and free text as it is', () => {
  expect(entryTitle({ type: 'credit', reason: 'checkin' })).toBe('每日签到');
  expect(entryTitle({ type: 'adjust', reason: 'manual_debit' })).toBe('客服扣减');
  expect(entryTitle({ type: 'expire', reason: 'points_expired' })).toBe('积分过期');
  expect(entryTitle({ type: 'adjust', reason: 'ops_fix' })).toBe('积分调整');
  expect(entryTitle({ type: 'debit', reason: '门店补偿' })).toBe('门店补偿');
});
