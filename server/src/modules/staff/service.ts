import bcrypt from 'bcryptjs';
import type { StaffRole } from '@huiyuan/shared';
import { isDuplicateKey, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import { audit, type AuditRecord } from '../audit/audit';
import { limits, unlockStaffIn, type Counter, type Limits } from '../limits/service';
import * as store from './store';

export interface StaffAccount {
  id: number;
  role: StaffRole;
  storeId: number | null;
  tokenVersion: number;
  displayName: string;
}

/** Who did an operator action, for the audit row. */
export type Actor = Pick<AuditRecord, 'actorType' | 'actorId' | 'requestId'>;

export const staffView = (s: store.StaffRow) => ({
  id: String(s.id),
  username: s.username,
  displayName: s.display_name,
  role: s.role,
  storeId: s.store_id === null ? null : String(s.store_id),
  memberId: s.member_id === null ? null : String(s.member_id),
  status: s.status as 'active' | 'disabled',
  createdAt: new Date(Number(s.created_at)).toISOString(),
});
export const storeView = (s: store.StoreRow) => ({
  id: String(s.id),
  code: s.code,
  name: s.name,
  status: s.status as 'active' | 'disabled',
  createdAt: new Date(Number(s.created_at)).toISOString(),
});

// A real hash of a random password: unknown usernames cost the same time as wrong passwords.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-8e1f', 10);

const idOrNull = (v: string | null | undefined, keep: number | null) =>
  v === undefined ? keep : v === null ? null : Number(v);

/**
 * Staff and operator accounts and the stores they work in: password login,
 * creation (seeds, the operator console), changes and password resets. Disabling,
 * a new role or store, or a new password bumps token_version, which ends every
 * open session at once.
 */
export class StaffService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly bcryptCost = 10,
  ) {}

  private now(): Date {
    return this.clock.now();
  }

  /**
   * Password login. Wrong passwords lock a username per address, with a slower
   * backstop per username from anywhere, so failures from one address never lock
   * out the right password typed at another; an operator can unlock (`unlock`).
   * `attempts` (the route's per-address budget) are counted in the same round
   * trip that reads the failure counters, before any bcrypt work.
   */
  async login(username: string, password: string, address = '', attempts: Counter[] = []): Promise<StaffAccount> {
    const here = limits.staffFailuresPerAddress(username, address);
    const anywhere = limits.staffFailuresAnywhere(username);
    const seen = await this.limits.check(attempts, [here, anywhere]);
    const row = await this.db.read((q) => store.staffByUsername(q, username));
    const ok = await bcrypt.compare(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.status !== 'active') {
      await this.limits.count([here, anywhere]);
      throw new AppError('BAD_CREDENTIALS');
    }
    // The right password forgives this address's earlier typos (the backstop keeps its count).
    if (seen[attempts.length] > 0) await this.limits.forgive(here);
    return {
      id: Number(row.id),
      role: row.role,
      storeId: row.store_id === null ? null : Number(row.store_id),
      tokenVersion: Number(row.token_version),
      displayName: row.display_name,
    };
  }

  /** A new account in the caller's unit of work; a taken username is `USERNAME_TAKEN`. */
  async create(
    q: Q,
    a: {
      username: string;
      password: string;
      displayName: string;
      role: StaffRole;
      storeId: number | null;
      memberId?: number | null;
    },
    now: Date,
  ): Promise<number> {
    if (a.role !== 'operator' && a.storeId === null)
      throw new AppError('VALIDATION_FAILED', 'Store staff need a store');
    const passwordHash = await bcrypt.hash(a.password, this.bcryptCost);
    try {
      return await store.insertStaff(q, { ...a, passwordHash }, now.getTime());
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('USERNAME_TAKEN', 'This username is taken', { field: 'username' });
      throw err;
    }
  }

  /** A new active store in the caller's unit of work; a taken code is `STORE_CODE_TAKEN`. */
  async createStore(q: Q, s: { code: string; name: string }, now: Date): Promise<number> {
    try {
      return await store.insertStore(q, s, now.getTime());
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('STORE_CODE_TAKEN', undefined, { field: 'code' });
      throw err;
    }
  }

  /** True when an account has this username (seeds use it to run once). */
  async hasAccount(q: Q, username: string): Promise<boolean> {
    return (await store.staffIdByUsername(q, username)) !== undefined;
  }

  /** The store with this code, created when missing (seeds). */
  async ensureStore(q: Q, s: { code: string; name: string }, now: Date): Promise<number> {
    return (await store.storeIdByCode(q, s.code)) ?? (await this.createStore(q, s, now));
  }

  // ---- the operator console ----------------------------------------------------------

  async listStores() {
    return (await this.db.read((q) => store.listStores(q))).map(storeView);
  }

  async addStore(actor: Actor, body: { code: string; name: string }) {
    return this.db.tx(async (q) => {
      const now = this.now();
      const id = await this.createStore(q, body, now);
      await audit(q, { ...actor, action: 'store.create', targetType: 'store', targetId: id, after: body }, now);
      return storeView((await store.storeRow(q, id))!);
    });
  }

  async patchStore(actor: Actor, id: number, body: { name?: string; status?: 'active' | 'disabled' }) {
    return this.db.tx(async (q) => {
      const before = await store.storeRow(q, id);
      if (!before) throw new AppError('NOT_FOUND', 'No such store');
      const now = this.now();
      await store.updateStore(q, id, { name: body.name ?? before.name, status: body.status ?? before.status });
      await audit(
        q,
        { ...actor, action: 'store.update', targetType: 'store', targetId: id, before: storeView(before), after: body },
        now,
      );
      return storeView((await store.storeRow(q, id))!);
    });
  }

  async listStaff() {
    return (await this.db.read((q) => store.listStaff(q))).map(staffView);
  }

  async addStaff(
    actor: Actor,
    body: {
      username: string;
      password: string;
      displayName: string;
      role: StaffRole;
      storeId?: string | null;
      memberId?: string | null;
    },
  ) {
    return this.db.tx(async (q) => {
      const now = this.now();
      const storeId = body.storeId ? Number(body.storeId) : null;
      await this.checkStore(q, body.role, storeId);
      const id = await this.create(
        q,
        {
          username: body.username,
          password: body.password,
          displayName: body.displayName,
          role: body.role,
          storeId: body.role === 'operator' ? null : storeId,
          memberId: body.memberId ? Number(body.memberId) : null,
        },
        now,
      );
      const { password: _omit, ...safe } = body;
      await audit(q, { ...actor, action: 'staff.create', targetType: 'staff', targetId: id, after: safe }, now);
      return staffView(await this.row(q, id));
    });
  }

  async patchStaff(
    actor: Actor,
    id: number,
    body: {
      displayName?: string;
      role?: StaffRole;
      storeId?: string | null;
      status?: 'active' | 'disabled';
      memberId?: string | null;
    },
  ) {
    return this.db.tx(async (q) => {
      const before = await this.row(q, id);
      const role = body.role ?? before.role;
      const storeId = idOrNull(body.storeId, before.store_id);
      await this.checkStore(q, role, role === 'operator' ? null : storeId);
      const now = this.now();
      await store.updateStaff(
        q,
        id,
        {
          displayName: body.displayName ?? before.display_name,
          role,
          storeId: role === 'operator' ? null : storeId,
          status: body.status ?? before.status,
          memberId: idOrNull(body.memberId, before.member_id),
        },
        now.getTime(),
      );
      await audit(
        q,
        { ...actor, action: 'staff.update', targetType: 'staff', targetId: id, before: staffView(before), after: body },
        now,
      );
      return staffView(await this.row(q, id));
    });
  }

  async resetPassword(actor: Actor, id: number, password: string) {
    const hash = await bcrypt.hash(password, this.bcryptCost);
    return this.db.tx(async (q) => {
      await this.row(q, id);
      const now = this.now();
      await store.setPassword(q, id, hash, now.getTime());
      await audit(q, { ...actor, action: 'staff.password_reset', targetType: 'staff', targetId: id }, now);
      return staffView(await this.row(q, id));
    });
  }

  /** Clears an account's password lockout (every address and the backstop), audited; returns the counters cleared. */
  async unlock(actor: Actor, id: number) {
    return this.db.tx(async (q) => {
      const row = await this.row(q, id);
      const now = this.now();
      const cleared = await unlockStaffIn(q, row.username);
      await audit(q, { ...actor, action: 'staff.unlock', targetType: 'staff', targetId: id, after: { cleared } }, now);
      return { staffId: String(id), username: row.username, cleared };
    });
  }

  private async row(q: Q, id: number): Promise<store.StaffRow> {
    const row = await store.staffRow(q, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such staff account');
    return row;
  }

  private async checkStore(q: Q, role: StaffRole, storeId: number | null): Promise<void> {
    if (role === 'operator') return;
    if (storeId === null)
      throw new AppError('VALIDATION_FAILED', 'Store staff and managers need a store', { field: 'storeId' });
    if (!(await store.isActiveStore(q, storeId))) throw new AppError('NOT_FOUND', 'No such active store');
  }
}
