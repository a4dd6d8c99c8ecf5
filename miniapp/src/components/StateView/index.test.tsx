import { fireEvent, render, screen } from '@testing-library/react';
import StateView from './index';
import { ApiError } from '../../api/errors';

it('shows loading first, then error with retry, then empty, then the content', () => {
  const retry = jest.fn();
  const { rerender } = render(
    <StateView loading>
      <span>内容</span>
    </StateView>,
  );
  expect(screen.getByTestId('state-loading').textContent).toContain('加载中');

  rerender(
    <StateView error={new ApiError({ code: 'NETWORK_ERROR', status: 0 })} onRetry={retry}>
      <span>内容</span>
    </StateView>,
  );
  expect(screen.getByTestId('state-error').textContent).toContain('网络不给力');
  fireEvent.click(screen.getByText('重试'));
  expect(retry).toHaveBeenCalledTimes(1);

  rerender(
    <StateView empty emptyText="还没有积分记录">
      <span>内容</span>
    </StateView>,
  );
  expect(screen.getByTestId('state-empty').textContent).toBe('还没有积分记录');

  rerender(
    <StateView>
      <span>内容</span>
    </StateView>,
  );
  expect(screen.getByText('内容')).toBeTruthy();
});

it('shows a generic sentence for errors that are not ApiErrors', () => {
  render(<StateView error={new Error('boom')} />);
  expect(screen.getByTestId('state-error').textContent).toContain('出错了');
});
