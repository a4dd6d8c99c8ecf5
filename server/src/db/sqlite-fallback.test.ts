import { loadConfig } from '../core/config';
import { createDataSource, initDataSource } from './data-source';
import { Database } from './database';

/**
 * A machine where better-sqlite3 could not be built (no prebuilt binary, no
 * compiler): npm drops the optional package, and the server must still start, on
 * sql.js, saying why and how to get the durable engine back.
 */
jest.mock(
  'better-sqlite3',
  () => {
    throw new Error("Cannot find module 'better-sqlite3'");
  },
  { virtual: true },
);

const sqliteOnly = process.env.DATABASE_URL ? describe.skip : describe;

sqliteOnly('without better-sqlite3', () => {
  test('the embedded database falls back to sql.js with a warning, once, and works', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ds = createDataSource(loadConfig({ NODE_ENV: 'test', SQLITE_PATH: ':memory:' }));
    createDataSource(loadConfig({ NODE_ENV: 'test', SQLITE_PATH: ':memory:' }));
    expect(ds.options.type).toBe('sqljs');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/better-sqlite3 is not available.*using sql\.js.*npm install/s);
    await initDataSource(ds);
    const db = new Database(ds);
    expect(db.dialect).toBe('sqlite');
    expect(await db.read((q) => q.one<{ ok: number }>('SELECT 1 AS ok'))).toEqual({ ok: 1 });
    await ds.destroy();
    warn.mockRestore();
  });

  test('asking for better-sqlite3 explicitly fails with the reason instead', () => {
    expect(() =>
      createDataSource(loadConfig({ NODE_ENV: 'test', SQLITE_PATH: ':memory:', SQLITE_ENGINE: 'better-sqlite3' })),
    ).toThrow(/SQLITE_ENGINE=better-sqlite3 but it cannot load/);
  });
});
