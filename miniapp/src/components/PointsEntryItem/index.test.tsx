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
  expect(row.textContent).toContain('消费积分');
  expect(row.textContent).toContain('2024-11-24 10:05');
  expect(row.textContent).toContain('+120');
  expect(row.textContent).toContain('余额 1,120');
});

it('names unknown reason codes by type, and keeps free-text reasons', () => {
  expect(entryTitle({ type: 'adjust', reason: 'ops_fix' })).toBe('调整');
  expect(entryTitle({ type: 'debit', reason: '门店补偿' })).toBe('门店补偿');
  expect(entryTitle({ type: 'expire', reason: 'expiry' })).toBe('积分过期');
});
