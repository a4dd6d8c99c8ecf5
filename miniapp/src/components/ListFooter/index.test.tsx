import { fireEvent, render, screen } from '@testing-library/react';
import ListFooter from './index';
import { ApiError } from '../../api/errors';

it('shows loading more, retry after a failed page, the end, or nothing', () => {
  const retry = jest.fn();
  const { rerender } = render(<ListFooter loadingMore done={false} error={undefined} count={20} onRetry={retry} />);
  expect(screen.getByTestId('list-footer').textContent).toBe('加载中…');
  rerender(
    <ListFooter
      loadingMore={false}
      done={false}
      error={new ApiError({ code: 'TIMEOUT', status: 0 })}
      count={20}
      onRetry={retry}
    />,
  );
  fireEvent.click(screen.getByText('请求超时，请稍后重试，点击重试'));
  expect(retry).toHaveBeenCalled();
  rerender(<ListFooter loadingMore={false} done error={undefined} count={20} onRetry={retry} />);
  expect(screen.getByTestId('list-footer').textContent).toBe('没有更多了');
  rerender(<ListFooter loadingMore={false} done error={undefined} count={0} onRetry={retry} />);
  expect(screen.queryByTestId('list-footer')).toBeNull();
});
