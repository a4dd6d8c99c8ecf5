import { DEFAULT_TASKS, periodKey, validateTaskCatalog } from './tasks';

describe('periodKey', () => {
  it.each([
    ['once', '2026-11-24', 'once'],
    ['daily', '2026-11-24', '2026-11-24'],
    ['weekly', '2026-11-24', 'w2026-11-23'],
    ['weekly', '2026-11-29', 'w2026-11-23'],
    ['weekly', '2026-11-30', 'w2026-11-30'],
  ] as const)('%s on %s -> %s', (p, d, k) => expect(periodKey(p, d)).toBe(k));
});

describe('validateTaskCatalog', () => {
  const t0 = DEFAULT_TASKS.tasks[0];
  it('defaults are valid', () => expect(validateTaskCatalog(DEFAULT_TASKS)).toBeNull());
  it.each([
    [{ ...DEFAULT_TASKS, clientReportsPerDay: -1 }],
    [{ ...DEFAULT_TASKS, tasks: [t0, t0] }],
    [{ ...DEFAULT_TASKS, tasks: [{ ...t0, code: 'Bad Code' }] }],
    [{ ...DEFAULT_TASKS, tasks: [{ ...t0, period: 'monthly' }] }],
    [{ ...DEFAULT_TASKS, tasks: [{ ...t0, kind: 'magic' }] }],
    [{ ...DEFAULT_TASKS, tasks: [{ ...t0, points: -5 }] }],
    [{ ...DEFAULT_TASKS, tasks: [{ ...t0, points: 0, growth: 0 }] }],
  ])('refuses %#', (c) => expect(validateTaskCatalog(c as never)).not.toBeNull());
});
