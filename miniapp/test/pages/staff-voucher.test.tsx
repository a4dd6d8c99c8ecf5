import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { loggedInClerk, serve, settle } from '../http';
import StaffVoucherPage from '../../src/staff/voucher/index';

const CODE = 'ABCDEFGH23456789';
const preview = (status: ResponseFor<'previewVoucher'>['status']): ResponseFor<'previewVoucher'> => ({
  code: CODE,
  title: '新品蛋糕',
  status,
  validUntil: '2024-12-24T15:59:59Z',
  memberMaskedName: '张*',
  redeemable: status === 'unused',
  reason: status === 'unused' ? null : status,
});

beforeEach(loggedInClerk);

const scan = async () => {
  (Taro.scanCode as unknown as jest.Mock).mockResolvedValueOnce({ result: CODE });
  fireEvent.click(screen.getByTestId('scan-button'));
  await settle();
};

it('scan -> preview -> write off once, with the staff token and the code naming the operation', async () => {
  const sent = serve({
    'GET /api/staff/vouchers/preview': preview('unused'),
    'POST /api/staff/vouchers/redeem': {
      code: CODE,
      title: '新品蛋糕',
      redeemedAt: '2024-11-24T06:30:00Z',
      storeId: '1',
    } satisfies ResponseFor<'writeOffVoucher'>,
  });
  render(<StaffVoucherPage />);
  await scan();
  const shown = screen.getByTestId('voucher-preview').textContent;
  expect(shown).toContain('会员 张* · 有效期至 2024-12-24');
  expect(shown).toContain('可核销');
  fireEvent.click(screen.getByText('核销'));
  await settle();
  const post = sent.find((s) => s.method === 'POST')!;
  expect(post.data).toEqual({ code: CODE });
  expect(post.header.authorization).toBe('Bearer S');
  expect(post.header['idempotency-key']).toBeTruthy();
  expect(screen.getByTestId('voucher-done').textContent).toContain('新品蛋糕 · 2024-11-24 14:30');
});

it('shows a used voucher as used, with the write-off disabled', async () => {
  serve({ 'GET /api/staff/vouchers/preview': preview('used') });
  render(<StaffVoucherPage />);
  await scan();
  expect(screen.getByTestId('voucher-preview').textContent).toContain('已使用');
  // Taro's button ignores taps while disabled; jsdom would still dispatch them.
  expect(screen.getByText('核销').hasAttribute('disabled')).toBe(true);
});
