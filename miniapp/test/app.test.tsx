import { act, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { fire } from './taro-mock';
import App from '../src/app';
import { KEYS } from '../src/api/storage';

it('keeps the launch ref (query or mini-program code scene) for the first login', async () => {
  render(
    <App>
      <span />
    </App>,
  );
  await act(() => fire('launch', { query: { ref: 'INV42' } }));
  expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('"INV42"');
  await act(() => fire('launch', { query: { scene: encodeURIComponent('ref=QR7') } }));
  expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('"QR7"');
  // Poster codes made by the server carry the short key.
  await act(() => fire('launch', { query: { scene: encodeURIComponent('r=PST9') } }));
  expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('"PST9"');
  // A share opened while the app was in the background arrives with the show, not a launch.
  await act(() => fire('show', { query: { ref: 'BACK2' } }));
  expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('"BACK2"');
});
