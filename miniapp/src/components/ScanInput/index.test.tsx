import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import ScanInput, { normaliseCode } from './index';

const scanCode = Taro.scanCode as unknown as jest.Mock;

// Taro's <Input> is a Stencil element whose `value` watcher writes to an inner
// <input> that Stencil never renders under jsdom; only that error is dropped.
let consoleError: jest.SpyInstance;
beforeEach(() => {
  const real = console.error;
  consoleError = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes("reading 'value'")) return;
    real(...args);
  });
});
afterEach(() => consoleError.mockRestore());

it('passes on a scanned code', async () => {
  scanCode.mockResolvedValueOnce({ result: ' 1000 0000 07 ' });
  const onCode = jest.fn();
  render(<ScanInput placeholder="会员码" onCode={onCode} />);
  await act(async () => {
    fireEvent.click(screen.getByTestId('scan-button'));
  });
  expect(onCode).toHaveBeenCalledWith('1000000007');
});

it('falls back to manual entry when scanning is cancelled, and rejects bad input', async () => {
  scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
  const onCode = jest.fn();
  render(<ScanInput placeholder="会员码" onCode={onCode} allowed={/^[0-9]{8,32}$/} />);
  await act(async () => {
    fireEvent.click(screen.getByTestId('scan-button'));
  });
  expect(onCode).not.toHaveBeenCalled();
  const field = screen.getByTestId('scan-manual');
  // Taro's Input reports changes as onInput with detail.value.
  act(() => {
    field.dispatchEvent(Object.assign(new Event('input', { bubbles: true }), { detail: { value: '12ab' } }));
  });
  fireEvent.click(screen.getByTestId('scan-submit'));
  expect(onCode).not.toHaveBeenCalled();
  expect(Taro.showToast).toHaveBeenCalled();
  act(() => {
    field.dispatchEvent(Object.assign(new Event('input', { bubbles: true }), { detail: { value: '1234 5678 9012' } }));
  });
  fireEvent.click(screen.getByTestId('scan-submit'));
  expect(onCode).toHaveBeenCalledWith('123456789012');
});

it('normalises spaces', () => {
  expect(normaliseCode(' 12 34\n56 ')).toBe('123456');
});
