/**
 * A set of member ids kept per business day (and store) in the rollups, so that
 * distinct counts over a range (DAU/MAU, buyers, check-in members, sharers) are a
 * union of a few stored sets instead of a scan of the ledger.
 *
 * Small sets are kept exactly (the ids themselves): unions and counts of them are
 * exact. A set past `EXACT_MAX` ids turns into a HyperLogLog sketch (2^14 one-byte
 * registers, about 0.8 % standard error, 22 kB encoded), and any union that meets
 * a sketch is a sketch: counts over large populations are estimates.
 */
const P = 14;
const M = 1 << P;
export const EXACT_MAX = 2000;
/** 2^-r for every register value. */
const POW = Array.from({ length: 64 }, (_, r) => 2 ** -r);

/** A 32-bit mix of the id (murmur3's finaliser over both halves), so registers fill evenly. */
function hash(id: number): number {
  let h = (Math.floor(id / 0x1_0000_0000) ^ Math.imul(id >>> 0, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class MemberSet {
  private ids: Set<number> | null = new Set();
  private regs: Uint8Array | null = null;

  /** True while the set holds its ids (its size is exact). */
  get exact(): boolean {
    return this.ids !== null;
  }

  add(id: number): this {
    if (this.ids) {
      this.ids.add(id);
      if (this.ids.size > EXACT_MAX) this.toSketch();
    } else this.addToRegisters(id);
    return this;
  }

  has(id: number): boolean {
    return this.ids?.has(id) ?? false;
  }

  /** The ids while exact (empty once a sketch). */
  members(): Iterable<number> {
    return this.ids ?? [];
  }

  merge(other: MemberSet): this {
    if (other.ids) for (const id of other.ids) this.add(id);
    else {
      if (!this.regs) this.toSketch();
      const regs = this.regs!;
      other.regs!.forEach((r, i) => {
        if (r > regs[i]) regs[i] = r;
      });
    }
    return this;
  }

  size(): number {
    if (this.ids) return this.ids.size;
    const regs = this.regs!;
    let sum = 0;
    let zeros = 0;
    for (const r of regs) {
      sum += POW[r];
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const raw = (alpha * M * M) / sum;
    // Small cardinalities: linear counting on the empty registers is the better estimate.
    return Math.round(raw <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : raw);
  }

  /** 'e' + ids in base 36, comma separated; or 'h' + the registers in base64. */
  encode(): string {
    return this.ids
      ? 'e' + [...this.ids].map((id) => id.toString(36)).join(',')
      : 'h' + Buffer.from(this.regs!).toString('base64');
  }

  static decode(text: string | null | undefined): MemberSet {
    const s = new MemberSet();
    if (!text || text === 'e') return s;
    if (text[0] === 'h') {
      s.ids = null;
      s.regs = new Uint8Array(Buffer.from(text.slice(1), 'base64'));
      return s;
    }
    for (const part of text.slice(1).split(',')) s.add(parseInt(part, 36));
    return s;
  }

  static of(ids: Iterable<number>): MemberSet {
    const s = new MemberSet();
    for (const id of ids) s.add(id);
    return s;
  }

  private toSketch(): void {
    const ids = this.ids ?? [];
    this.ids = null;
    this.regs = new Uint8Array(M);
    for (const id of ids) this.addToRegisters(id);
  }

  private addToRegisters(id: number): void {
    const h = hash(id);
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.regs![idx]) this.regs![idx] = rank;
  }
}
