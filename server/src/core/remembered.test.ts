import { Remembered } from './remembered';

test('a value is read once within its time, again after it or after forget', async () => {
  let reads = 0;
  const read = async () => ++reads;
  const kept = new Remembered<string, number>(1000);
  const now = jest.spyOn(Date, 'now').mockReturnValue(10_000);
  try {
    expect(await kept.get('a', read)).toBe(1);
    expect(await kept.get('a', read)).toBe(1);
    expect(await kept.get('b', read)).toBe(2);
    now.mockReturnValue(11_000);
    expect(await kept.get('a', read)).toBe(3);
    kept.forget('a');
    expect(await kept.get('a', read)).toBe(4);
    expect(await kept.get('b', read)).toBe(5); // b's time is over too
    kept.forget();
    expect(await kept.get('b', read)).toBe(6);
  } finally {
    now.mockRestore();
  }
});
