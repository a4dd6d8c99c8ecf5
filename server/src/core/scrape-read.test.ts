import { scrapeRead } from './scrape-read';

test('scrapes at once share one read; within the cache time none is made', async () => {
  let reads = 0;
  let release!: (n: number) => void;
  const read = () => {
    reads++;
    return new Promise<number>((r) => (release = r));
  };
  const now = scrapeRead<number>(60_000, 5_000);
  const scrapes = [now(read), now(read), now(read)];
  await new Promise((r) => setImmediate(r)); // the read starts on the next turn
  release(7);
  expect(await Promise.all(scrapes)).toEqual([7, 7, 7]);
  expect(await now(read)).toBe(7);
  expect(reads).toBe(1);
});

test('a failed read gives the last figure; a slow one too, and fills the cache when it lands', async () => {
  const now = scrapeRead<number>(0, 20);
  expect(await now(async () => 1)).toBe(1);
  expect(await now(() => Promise.reject(new Error('down')))).toBe(1);
  let release!: (n: number) => void;
  expect(await now(() => new Promise<number>((r) => (release = r)))).toBe(1);
  release(2);
  await new Promise((r) => setTimeout(r, 5));
  expect(await now(() => Promise.reject(new Error('down')))).toBe(2);
});

test('before any figure, a failed read gives null', async () => {
  expect(await scrapeRead<number>(1000, 20)(() => Promise.reject(new Error('down')))).toBeNull();
});
