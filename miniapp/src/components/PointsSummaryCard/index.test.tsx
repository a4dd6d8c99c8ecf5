import { render, screen } from '@testing-library/react';
import PointsSummaryCard from './index';

const summary = {
  balance: 2480,
  expiringSoon: {
    withinDays: 30,
    total: 300,
    lots: [
      { points: 100, expiresAt: '2024-12-05T15:59:59.999Z' },
      { points: 200, expiresAt: '2024-12-20T15:59:59.999Z' },
    ],
  },
};

it('shows the balance and each expiring lot with its business date, earliest first', () => {
  render(<PointsSummaryCard summary={summary} />);
  expect(screen.getByTestId('points-balance').textContent).toBe('2,480');
  expect(screen.getByTestId('points-expiring').textContent).toContain('30天内将过期 300 积分');
  const lots = screen.getAllByTestId('points-lot').map((el) => el.textContent);
  expect(lots).toEqual(['100 积分2024-12-05 过期', '200 积分2024-12-20 过期']);
});

it('shows only the total when not detailed, and reassures when nothing expires', () => {
  const { rerender } = render(<PointsSummaryCard summary={summary} detailed={false} />);
  expect(screen.queryAllByTestId('points-lot')).toHaveLength(0);
  rerender(<PointsSummaryCard summary={{ balance: 0, expiringSoon: { withinDays: 30, total: 0, lots: [] } }} />);
  expect(screen.getByTestId('points-summary').textContent).toContain('30天内没有即将过期的积分');
});
