import bcrypt from 'bcryptjs';
import type { StaffRole } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';

export interface StaffAccount {
  id: number;
  role: StaffRole;
  storeId: number | null;
  tokenVersion: number;
  displayName: string;
}

// A real hash of a random password: unknown usernames cost the same time as wrong passwords.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-8e1f', 10);

/** Staff and operator accounts: password login, creation for seeds and the operator console. */
export class StaffService {
  constructor(
    private readonly db: Database,
    private readonly bcryptCost = 10,
  ) {}

  async login(username: string, password: string): Promise<StaffAccount> {
    const row = await this.db.read((q) =>
      q.one<{
        id: number;
        password_hash: string;
        role: StaffRole;
        store_id: number | null;
        status: string;
        token_version: number;
        display_name: string;
      }>(
        'SELECT id, password_hash, role, store_id, status, token_version, display_name FROM staff_accounts WHERE username = ?',
        [username],
      ),
    );
    const ok = await bcrypt.compare(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.status !== 'active') throw new AppError('BAD_CREDENTIALS');
    return {
      id: Number(row.id),
      role: row.role,
      storeId: row.store_id === null ? null : Number(row.store_id),
      tokenVersion: Number(row.token_version),
      displayName: row.display_name,
    };
  }

  async create(
    q: Q,
    a: { username: string; password: string; displayName: string; role: StaffRole; storeId: number | null },
    now: Date,
  ): Promise<number> {
    if (a.role !== 'operator' && a.storeId === null)
      throw new AppError('VALIDATION_FAILED', 'Store staff need a store');
    const hash = await bcrypt.hash(a.password, this.bcryptCost);
    return q.insert(
      `INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, status, token_version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'active', 0, ?, ?)`,
      [a.username, hash, a.displayName, a.role, a.storeId, now.getTime(), now.getTime()],
    );
  }

  async createStore(q: Q, s: { code: string; name: string }, now: Date): Promise<number> {
    return q.insert("INSERT INTO stores (code, name, status, created_at) VALUES (?, ?, 'active', ?)", [
      s.code,
      s.name,
      now.getTime(),
    ]);
  }
}
