/**
 * Randomised simulation: a seeded generator of mixed operations run concurrently
 * against a real server, with faults injected between and during batches. It keeps
 * its own model of what each member's balance must be from the answers it got,
 * so the database can be checked against the model as well as the invariants.
 * The same seed gives the same operation sequence, so a failure replays.
 */
/** The ledger ref of the share task's credits (the default catalog's share task). */
const SHARE_TASK_REF = 'task:share_app';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimTarget {
  url(): string;
  http(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  login(identity: string): Promise<{ token: string; memberId: number }>;
  staffToken(): Promise<string>;
  operatorToken(): Promise<string>;
  codeFor(memberId: number, at?: Date): Promise<string>;
  advanceClock(ms: number): void;
  wechatFailNext(errcode: number | 'drop', count: number): void;
  /** Faults the environment can inject; absent ones are skipped. */
  killDbConnection?(): Promise<void>;
  restart?(): Promise<void>;
}

export interface SimResult {
  seed: number;
  ops: number;
  byOutcome: Record<string, number>;
  unexpected: string[];
  expectedBalances: Map<number, number>;
}

interface Order {
  orderNo: string;
  memberId: number;
  amountCents: number;
  code: string;
  refunded: number;
}

export async function runSimulation(
  seed: number,
  target: SimTarget,
  opts: { batches: number; batchSize: number },
): Promise<SimResult> {
  const rand = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const members: { id: number; token: string; identity: string }[] = [];
  const balances = new Map<number, number>();
  const orders: Order[] = [];
  const outcome: Record<string, number> = {};
  const unexpected: string[] = [];
  // 409 is expected only with the codes each operation can legitimately meet.
  const allowed409: Record<string, string[]> = {
    checkout: ['MEMBER_CODE_REPLAYED'],
    'replay-conflict': ['IDEMPOTENCY_CONFLICT'],
    refund: ['REFUND_EXCEEDS_ORDER'],
    adjust: ['INSUFFICIENT_POINTS'],
    redeem: ['INSUFFICIENT_POINTS', 'OUT_OF_STOCK', 'LIMIT_REACHED'],
    writeoff: ['VOUCHER_USED'],
    job: [],
  };
  const note = (op: string, status: number, expected: number[], body: any) => {
    outcome[`${op} ${status}`] = (outcome[`${op} ${status}`] ?? 0) + 1;
    const badCode = status === 409 && !(allowed409[op] ?? []).includes(body?.code);
    if (!expected.includes(status) || badCode)
      unexpected.push(`seed ${seed}: ${op} -> ${status} ${JSON.stringify(body).slice(0, 200)}`);
  };
  const sharePaid = new Map<number, number>();
  const add = (id: number, delta: number) => balances.set(id, (balances.get(id) ?? 0) + delta);
  let staff = await target.staffToken();
  let operator = await target.operatorToken();
  let seq = 0;
  // Logins take turns: a WeChat failure armed for one registration must be met by
  // that login, not by a concurrent invite's (the fake fails the next call on the path).
  let loginTail: Promise<unknown> = Promise.resolve();
  const login = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = loginTail.then(fn, fn);
    loginTail = next.catch(() => undefined);
    return next;
  };
  const vouchers: { code: string; memberId: number }[] = [];
  const checkedIn = new Set<string>();
  // A small benefit per seed so stock runs out and limits bite.
  const benefit = await target.http('POST', '/api/admin/benefits', {
    token: operator,
    body: { title: `sim ${seed}`, costPoints: 30, stock: 6, perMemberLimit: 2, validDays: 30 },
  });
  const benefitId = benefit.body.id as string;

  const ops: Record<string, () => Promise<void>> = {
    async register() {
      const identity = `sim-${seed}-${members.length}-${++seq}`;
      const fail = rand() < 0.15 ? pick([-1, 45011, 'drop'] as const) : null;
      const res = await login(() => {
        if (fail !== null) target.wechatFailNext(fail, 1);
        return target.http('POST', '/api/auth/login', { body: { code: `${identity}:1` } });
      });
      note('register', res.status, [200, 429, 503], res.body);
      if (res.status === 200) {
        members.push({ id: Number(res.body.memberId), token: res.body.token, identity });
        balances.set(Number(res.body.memberId), 0);
      }
    },
    async checkout() {
      if (!members.length) return;
      const m = pick(members);
      const amountCents = 100 + Math.floor(rand() * 50_000);
      const order: Order = {
        orderNo: `SIM${seed}x${++seq}`,
        memberId: m.id,
        amountCents,
        code: await target.codeFor(m.id),
        refunded: 0,
      };
      const res = await target.http('POST', '/api/staff/checkout', {
        token: staff,
        body: { memberCode: order.code, orderNo: order.orderNo, amountCents },
      });
      // 409: the member's code for this step was used by a concurrent checkout.
      note('checkout', res.status, [200, 409], res.body);
      if (res.status === 200) {
        add(m.id, res.body.points);
        orders.push(order);
      }
    },
    async replayCheckout() {
      const o = orders.length ? pick(orders) : null;
      if (!o) return;
      const same = rand() < 0.7;
      const res = await target.http('POST', '/api/staff/checkout', {
        token: staff,
        body: { memberCode: o.code, orderNo: o.orderNo, amountCents: same ? o.amountCents : o.amountCents + 1 },
      });
      note(same ? 'replay' : 'replay-conflict', res.status, same ? [200] : [409], res.body);
      if (same && res.status === 200 && !res.body.replayed)
        unexpected.push(`seed ${seed}: replay of ${o.orderNo} credited again`);
    },
    async refund() {
      const open = orders.filter((o) => o.refunded < o.amountCents);
      if (!open.length) return;
      const o = pick(open);
      const amount = Math.max(1, Math.floor((o.amountCents - o.refunded) * (rand() < 0.5 ? 1 : rand())));
      const key = `simrf-${seed}-${++seq}`;
      const send = () =>
        target.http('POST', '/api/staff/refunds', {
          token: staff,
          headers: { 'idempotency-key': key },
          body: { orderNo: o.orderNo, amountCents: amount },
        });
      const res = await send();
      note('refund', res.status, [200, 409], res.body);
      if (res.status === 200) {
        o.refunded += amount;
        add(o.memberId, -res.body.pointsReversed);
        const again = await send();
        note('refund-replay', again.status, [200], again.body);
        if (again.body?.replayed !== true) unexpected.push(`seed ${seed}: refund replay not marked replayed`);
      }
    },
    async adjust() {
      if (!members.length) return;
      const m = pick(members);
      const delta = rand() < 0.6 ? 1 + Math.floor(rand() * 500) : -(1 + Math.floor(rand() * 300));
      const res = await target.http('POST', '/api/admin/points/adjustments', {
        token: operator,
        body: { memberId: String(m.id), delta, reason: 'simulation', idempotencyKey: `simadj-${seed}-${++seq}` },
      });
      note('adjust', res.status, [200, 409], res.body);
      if (res.status === 200) add(m.id, delta);
    },
    async checkin() {
      if (!members.length) return;
      const m = pick(members);
      const res = await target.http('POST', '/api/me/checkin', { token: m.token });
      note('checkin', res.status, [200], res.body);
      // Count each (member, day) once: after a lost commit acknowledgement the server's
      // retry answers "replayed" even to the first request, and that is correct.
      if (res.status === 200 && !checkedIn.has(`${m.id}:${res.body.date}`)) {
        checkedIn.add(`${m.id}:${res.body.date}`);
        add(m.id, res.body.points);
      }
    },
    async redeem() {
      if (!members.length) return;
      const m = pick(members);
      const key = `simrd-${seed}-${++seq}`;
      const send = () =>
        target.http('POST', '/api/me/redemptions', {
          token: m.token,
          headers: { 'idempotency-key': key },
          body: { benefitId },
        });
      const res = await send();
      note('redeem', res.status, [200, 409], res.body);
      if (res.status === 200) {
        add(m.id, -30);
        vouchers.push({ code: res.body.voucher.code, memberId: m.id });
        const again = await send();
        if (again.body?.voucher?.code !== res.body.voucher.code)
          unexpected.push(`seed ${seed}: redemption replay issued another voucher`);
      }
    },
    async writeoff() {
      const v = vouchers.length ? pick(vouchers) : null;
      if (!v) return;
      const res = await target.http('POST', '/api/staff/vouchers/redeem', { token: staff, body: { code: v.code } });
      note('writeoff', res.status, [200, 409], res.body);
    },
    async invite() {
      if (!members.length) return;
      const inviter = pick(members);
      const view = await target.http('GET', '/api/me/referrals', { token: inviter.token });
      const identity = `sim-${seed}-inv-${++seq}`;
      const res = await login(() =>
        target.http('POST', '/api/auth/login', { body: { code: `${identity}:1`, ref: view.body.code } }),
      );
      note('invite', res.status, [200], res.body);
      if (res.status === 200) {
        const inviteeId = Number(res.body.memberId);
        // Rewards follow the configured rules (caps, milestones): take them from the ledger
        // entries that name this invite, so concurrent operations cannot blur the model.
        const ref = `referral:${inviteeId}`;
        const entriesOf = async (token: string) =>
          (await target.http('GET', '/api/me/points/entries?limit=100', { token })).body.items as {
            ref: string | null;
            delta: number;
          }[];
        const sum = (items: { delta: number }[]) => items.reduce((s, e) => s + e.delta, 0);
        balances.set(inviteeId, sum((await entriesOf(res.body.token)).filter((e) => e.ref === ref)));
        const inviterEntries = await entriesOf(inviter.token);
        add(inviter.id, sum(inviterEntries.filter((e) => e.ref === ref)));
        // The share task pays the inviter too (within its daily cap), keyed by task, not by
        // invite: count what its entries hold beyond what the model has already taken.
        const shared = sum(inviterEntries.filter((e) => e.ref === SHARE_TASK_REF));
        // Reads answered out of order: only ever grow (share entries only accumulate).
        const before = sharePaid.get(inviter.id) ?? 0;
        if (shared > before) {
          add(inviter.id, shared - before);
          sharePaid.set(inviter.id, shared);
        }
        members.push({ id: inviteeId, token: res.body.token, identity });
      }
    },
    async job() {
      const name = pick(['birthday', 'points_expiry', 'voucher_expiry', 'tier_evaluation', 'segments', 'outbox']);
      const res = await target.http('POST', `/api/admin/jobs/${name}/run`, { token: operator });
      note('job', res.status, [200, 429], res.body);
    },
    async read() {
      if (!members.length) return;
      const m = pick(members);
      const res = await target.http('GET', pick(['/api/me/points', '/api/me/tier', '/api/me/points/entries?limit=5']), {
        token: m.token,
      });
      note('read', res.status, [200, 401], res.body);
    },
  };
  const weights: [string, number][] = [
    ['register', 2],
    ['checkout', 5],
    ['replayCheckout', 2],
    ['refund', 2],
    ['adjust', 2],
    ['read', 2],
    ['checkin', 2],
    ['redeem', 2],
    ['writeoff', 1],
    ['invite', 1],
    ['job', 1],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const choose = () => {
    let x = rand() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return 'read';
  };

  for (let i = 0; i < 4; i++) await ops.register();
  let count = 0;
  for (let b = 0; b < opts.batches; b++) {
    const batch = Array.from({ length: opts.batchSize }, choose);
    const fault = rand();
    const running = Promise.all(batch.map((name) => ops[name]()));
    // Faults during the batch: a database connection killed mid-flight.
    if (fault < 0.3 && target.killDbConnection) await target.killDbConnection();
    await running;
    count += batch.length;
    target.advanceClock(30_000); // next code step, and time passes
    // Faults between batches: a restart (tokens survive it).
    if (fault > 0.85 && target.restart) {
      await target.restart();
      staff = await target.staffToken();
      operator = await target.operatorToken();
    }
  }
  return { seed, ops: count, byOutcome: outcome, unexpected, expectedBalances: balances };
}
