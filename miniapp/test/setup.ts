import { cleanup } from '@testing-library/react';
import { resetTaroMock } from './taro-mock';
import { resetClock } from './http';

afterEach(() => {
  cleanup();
  resetTaroMock();
  resetClock();
});
