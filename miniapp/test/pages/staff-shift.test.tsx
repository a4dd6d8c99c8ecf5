import { render, screen } from '@testing-library/react';
import { loggedInClerk, serve, settle } from '../http';
import { fire } from '../taro-mock';
import StaffShiftPage from '../../src/staff/shift/index';

const summary = (credits: number) => ({
  storeId: '1',
  from: '2026-11-23T16:00:00.000Z',
  to: '2026-11-24T16:00:00.000Z',
  credits: { count: credits, points: 1234, amountCents: 123_450 },
  refunds: { count: 1, amountCents: 3000, pointsClawedBack: 30 },
  writeOffs: { count: 4 },
  totals: { netAmountCents: 120_450, netPoints: 1204 },
});

it("shows today's figures of the store and reloads on pull-down", async () => {
  loggedInClerk();
  let calls = 0;
  const sent = serve({ 'GET /api/staff/shift-summary': () => summary(++calls) });
  render(<StaffShiftPage />);
  await settle();
  expect(sent[0].header.authorization).toBe('Bearer S');
  expect(screen.getByTestId('shift-credits-count').textContent).toBe('1');
  expect(screen.getByTestId('shift-credits-points').textContent).toBe('1,234');
  expect(screen.getByTestId('shift-refunds-count').textContent).toBe('1');
  expect(screen.getByTestId('shift-writeoffs').textContent).toBe('4');
  expect(screen.getByTestId('shift-net-amount').textContent).toBe('¥1,204.50');
  await fire('pullDownRefresh');
  await settle();
  expect(screen.getByTestId('shift-credits-count').textContent).toBe('2');
});
