import { EXACT_MAX, MemberSet } from './member-set';

describe('member sets of the rollups', () => {
  it('are exact while small: union, size and membership survive encoding', () => {
    const a = MemberSet.of([1, 2, 3, 2 ** 40 + 7]);
    const b = MemberSet.decode(MemberSet.of([3, 4]).encode());
    const u = MemberSet.decode(a.encode()).merge(b);
    expect(u.exact).toBe(true);
    expect(u.size()).toBe(5);
    expect(u.has(2 ** 40 + 7)).toBe(true);
    expect(u.has(5)).toBe(false);
    expect(MemberSet.decode(null).size()).toBe(0);
  });

  it('past the exact limit become a sketch whose count is within a few percent', () => {
    const big = new MemberSet();
    for (let id = 1; id <= 200_000; id++) big.add(id);
    expect(big.exact).toBe(false);
    expect(Math.abs(big.size() - 200_000) / 200_000).toBeLessThan(0.05);
    const back = MemberSet.decode(big.encode());
    expect(back.size()).toBe(big.size());
  });

  it('a union of overlapping sketches counts the overlap once', () => {
    const a = new MemberSet();
    const b = new MemberSet();
    for (let id = 1; id <= 60_000; id++) a.add(id);
    for (let id = 40_001; id <= 100_000; id++) b.add(id);
    const u = MemberSet.decode(a.encode())
      .merge(b)
      .merge(MemberSet.of([1, 2, 3]));
    expect(Math.abs(u.size() - 100_000) / 100_000).toBeLessThan(0.05);
    // An exact set merged with a sketch is a sketch.
    const small = MemberSet.of(Array.from({ length: EXACT_MAX }, (_, i) => i + 1));
    expect(small.exact).toBe(true);
    expect(small.merge(a).exact).toBe(false);
  });
});
