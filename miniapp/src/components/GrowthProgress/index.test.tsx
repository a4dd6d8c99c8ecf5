import { render, screen } from '@testing-library/react';
import GrowthProgress, { progressPercent } from './index';

it('computes the share of the way to the next tier, clamped', () => {
  expect(progressPercent(1500, 1000, 2000)).toBe(50);
  expect(progressPercent(500, 1000, 2000)).toBe(0);
  expect(progressPercent(5000, 1000, 2000)).toBe(100);
  expect(progressPercent(10, 0, null)).toBe(100);
});

it('tells what the next tier needs and warns when the tier is at risk', () => {
  render(
    <GrowthProgress
      growth={1500}
      currentMin={1000}
      next={{ name: '金卡', minGrowth: 3000, needed: 1500 }}
      keep={{ needed: 200, atRisk: true, graceUntil: '2025-01-31T15:59:59Z' }}
      windowMonths={12}
    />,
  );
  expect(screen.getByTestId('growth-fill').getAttribute('data-pct')).toBe('25');
  expect(screen.getByTestId('growth-hint').textContent).toBe('再获得 1,500 成长值升级为金卡');
  expect(screen.getByTestId('growth-risk').textContent).toBe('保级还需 200 成长值，2025-01-31 前未达到将降级');
  expect(screen.getByTestId('growth').textContent).toContain('近12个月');
});

it('says so at the top tier and shows no risk line when safe', () => {
  render(
    <GrowthProgress
      growth={99999}
      currentMin={10000}
      next={null}
      keep={{ needed: 0, atRisk: false, graceUntil: null }}
    />,
  );
  expect(screen.getByTestId('growth-hint').textContent).toBe('已是最高等级');
  expect(screen.queryByTestId('growth-risk')).toBeNull();
});
