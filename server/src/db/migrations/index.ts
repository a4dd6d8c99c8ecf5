import { Foundation1732400000000 } from './1732400000000-foundation';

/** Every migration, in order. Each one is written once and works on MySQL and SQLite. */
export const migrations = [Foundation1732400000000];
