import { DeferredWriteError, isDuplicateKey, isRetryable, retryCode, RetryTransaction } from './errors';

/** Retry classification by the server's error number, the same on MySQL, MariaDB and TiDB. */
const byNumber = (errno: number) => Object.assign(new Error(`server error ${errno}`), { errno });

test.each([
  [1213, 'deadlock'],
  [1205, 'lock_wait'],
  [1020, 'conflict'],
  [8002, 'conflict'],
  [8005, 'conflict'],
  [8022, 'conflict'],
  [8028, 'conflict'],
  [9007, 'conflict'],
])('error number %i is retried as %s', (errno, label) => {
  expect(isRetryable(byNumber(errno))).toBe(true);
  expect(retryCode(byNumber(errno))).toBe(label);
  // The same number inside TypeORM's wrapper and inside a deferred write.
  expect(isRetryable({ driverError: { errno } })).toBe(true);
  expect(isRetryable(new DeferredWriteError('INSERT', byNumber(errno)))).toBe(true);
});

test('errors that a rerun cannot fix are not retried', () => {
  expect(isRetryable(Object.assign(new Error('dup'), { errno: 1062, code: 'ER_DUP_ENTRY' }))).toBe(false);
  expect(isRetryable(byNumber(1064))).toBe(false); // a syntax error
  expect(isRetryable(byNumber(8004))).toBe(false); // TiDB: transaction too large
  expect(isRetryable(new Error('plain'))).toBe(false);
  expect(isDuplicateKey(Object.assign(new Error('dup'), { errno: 1062, code: 'ER_DUP_ENTRY' }))).toBe(true);
});

test('named codes and lost races keep their labels', () => {
  expect(retryCode({ code: 'ER_LOCK_DEADLOCK' })).toBe('deadlock');
  expect(retryCode(new RetryTransaction('key'))).toBe('race');
  expect(isRetryable({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(true);
  expect(retryCode({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe('connection');
});
