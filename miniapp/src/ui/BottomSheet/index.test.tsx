import { fireEvent, render, screen } from '@testing-library/react';
import BottomSheet from './index';
import { createTapGuard } from './guard';

it('the guard refuses taps until 400 ms after it is armed', () => {
  let now = 1_000;
  const g = createTapGuard(400, () => now);
  expect(g.allows()).toBe(true); // never armed
  g.arm();
  expect(g.allows()).toBe(false);
  now += 399;
  expect(g.allows()).toBe(false);
  now += 1;
  expect(g.allows()).toBe(true);
});

describe('BottomSheet', () => {
  let now = 50_000;
  beforeEach(() => {
    now = 50_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  const sheet = (onConfirm: () => void, onClose = jest.fn(), open = true) => (
    <BottomSheet open={open} title="确认兑换" onConfirm={onConfirm} onClose={onClose}>
      <span>内容</span>
    </BottomSheet>
  );

  it('ignores confirm and cancel taps within 400 ms of opening, then takes them', () => {
    const onConfirm = jest.fn();
    const onClose = jest.fn();
    render(sheet(onConfirm, onClose));
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    fireEvent.click(screen.getByTestId('sheet-cancel'));
    now += 399;
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    now += 1;
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('arms again each time it reopens', () => {
    const onConfirm = jest.fn();
    const { rerender } = render(sheet(onConfirm));
    now += 1_000;
    rerender(sheet(onConfirm, jest.fn(), false));
    rerender(sheet(onConfirm, jest.fn(), true));
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(onConfirm).not.toHaveBeenCalled();
    now += 400;
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('a disabled confirm does nothing however late the tap', () => {
    const onConfirm = jest.fn();
    render(
      <BottomSheet open title="t" onConfirm={onConfirm} onClose={jest.fn()} confirmDisabled>
        <span />
      </BottomSheet>,
    );
    now += 5_000;
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.getByTestId('sheet-confirm').className).toContain('is-disabled');
  });
});
