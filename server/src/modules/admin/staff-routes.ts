import bcrypt from 'bcryptjs';
import { endpoints, type StaffRole } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import type { StaffPrincipal } from '../../core/principals';
import { AppError } from '../../core/errors';
import { isDuplicateKey, type Q } from '../../db/database';
import { audit } from '../audit/audit';

interface StaffRow {
  id: number;
  username: string;
  display_name: string;
  role: StaffRole;
  store_id: number | null;
  member_id: number | null;
  status: string;
  created_at: number;
}
interface StoreRow {
  id: number;
  code: string;
  name: string;
  status: string;
  created_at: number;
}

const staffView = (s: StaffRow) => ({
  id: String(s.id),
  username: s.username,
  displayName: s.display_name,
  role: s.role,
  storeId: s.store_id === null ? null : String(s.store_id),
  memberId: s.member_id === null ? null : String(s.member_id),
  status: s.status as 'active' | 'disabled',
  createdAt: new Date(Number(s.created_at)).toISOString(),
});
const storeView = (s: StoreRow) => ({
  id: String(s.id),
  code: s.code,
  name: s.name,
  status: s.status as 'active' | 'disabled',
  createdAt: new Date(Number(s.created_at)).toISOString(),
});
const STAFF_COLS = 'id, username, display_name, role, store_id, member_id, status, created_at';

async function staffRow(q: Q, id: number): Promise<StaffRow> {
  const row = await q.one<StaffRow>(`SELECT ${STAFF_COLS} FROM staff_accounts WHERE id = ?`, [id]);
  if (!row) throw new AppError('NOT_FOUND', 'No such staff account');
  return row;
}

async function checkStore(q: Q, role: StaffRole, storeId: number | null): Promise<void> {
  if (role === 'operator') return;
  if (storeId === null)
    throw new AppError('VALIDATION_FAILED', 'Store staff and managers need a store', { field: 'storeId' });
  if (!(await q.one("SELECT id FROM stores WHERE id = ? AND status = 'active'", [storeId])))
    throw new AppError('NOT_FOUND', 'No such active store');
}

/** Stores and staff accounts. Disabling or a new password bumps token_version, which ends every open session at once. */
export function adminStaffRoutes(r: Routes, c: AppContext): void {
  const actor = (ctx: { state: { staff: StaffPrincipal; requestId: string } }) => ({
    actorType: 'operator' as const,
    actorId: ctx.state.staff.id,
    requestId: ctx.state.requestId,
  });

  r.add(endpoints.adminListStores, async () => ({
    items: (
      await c.db.read((q) => q.all<StoreRow>('SELECT id, code, name, status, created_at FROM stores ORDER BY id'))
    ).map(storeView),
  }));

  r.add(endpoints.adminCreateStore, async (ctx, { body }) =>
    c.db.tx(async (q) => {
      const now = c.clock.now();
      let id: number;
      try {
        id = await c.staff.createStore(q, body, now);
      } catch (err) {
        if (isDuplicateKey(err))
          throw new AppError('IDEMPOTENCY_CONFLICT', 'A store with this code exists', { field: 'code' });
        throw err;
      }
      await audit(q, { ...actor(ctx), action: 'store.create', targetType: 'store', targetId: id, after: body }, now);
      return storeView(
        (await q.one<StoreRow>('SELECT id, code, name, status, created_at FROM stores WHERE id = ?', [id]))!,
      );
    }),
  );

  r.add(endpoints.adminPatchStore, async (ctx, { body, params }) =>
    c.db.tx(async (q) => {
      const id = Number(params.id);
      const before = await q.one<StoreRow>('SELECT id, code, name, status, created_at FROM stores WHERE id = ?', [id]);
      if (!before) throw new AppError('NOT_FOUND', 'No such store');
      const now = c.clock.now();
      await q.exec('UPDATE stores SET name = ?, status = ? WHERE id = ?', [
        body.name ?? before.name,
        body.status ?? before.status,
        id,
      ]);
      await audit(
        q,
        {
          ...actor(ctx),
          action: 'store.update',
          targetType: 'store',
          targetId: id,
          before: storeView(before),
          after: body,
        },
        now,
      );
      return storeView(
        (await q.one<StoreRow>('SELECT id, code, name, status, created_at FROM stores WHERE id = ?', [id]))!,
      );
    }),
  );

  r.add(endpoints.adminListStaff, async () => ({
    items: (await c.db.read((q) => q.all<StaffRow>(`SELECT ${STAFF_COLS} FROM staff_accounts ORDER BY id`))).map(
      staffView,
    ),
  }));

  r.add(endpoints.adminCreateStaff, async (ctx, { body }) =>
    c.db.tx(async (q) => {
      const now = c.clock.now();
      const storeId = body.storeId ? Number(body.storeId) : null;
      await checkStore(q, body.role, storeId);
      let id: number;
      try {
        id = await c.staff.create(
          q,
          {
            username: body.username,
            password: body.password,
            displayName: body.displayName,
            role: body.role,
            storeId: body.role === 'operator' ? null : storeId,
          },
          now,
        );
      } catch (err) {
        if (isDuplicateKey(err))
          throw new AppError('IDEMPOTENCY_CONFLICT', 'This username is taken', { field: 'username' });
        throw err;
      }
      if (body.memberId)
        await q.exec('UPDATE staff_accounts SET member_id = ? WHERE id = ?', [Number(body.memberId), id]);
      const { password: _omit, ...safe } = body;
      await audit(q, { ...actor(ctx), action: 'staff.create', targetType: 'staff', targetId: id, after: safe }, now);
      return staffView(await staffRow(q, id));
    }),
  );

  r.add(endpoints.adminPatchStaff, async (ctx, { body, params }) =>
    c.db.tx(async (q) => {
      const id = Number(params.id);
      const before = await staffRow(q, id);
      const role = body.role ?? before.role;
      const storeId =
        body.storeId === undefined ? before.store_id : body.storeId === null ? null : Number(body.storeId);
      await checkStore(q, role, role === 'operator' ? null : storeId);
      const now = c.clock.now();
      // Any change of who someone is or where they work ends their sessions: tokens carry the version.
      await q.exec(
        'UPDATE staff_accounts SET display_name = ?, role = ?, store_id = ?, status = ?, member_id = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?',
        [
          body.displayName ?? before.display_name,
          role,
          role === 'operator' ? null : storeId,
          body.status ?? before.status,
          body.memberId === undefined ? before.member_id : body.memberId === null ? null : Number(body.memberId),
          now.getTime(),
          id,
        ],
      );
      await audit(
        q,
        {
          ...actor(ctx),
          action: 'staff.update',
          targetType: 'staff',
          targetId: id,
          before: staffView(before),
          after: body,
        },
        now,
      );
      return staffView(await staffRow(q, id));
    }),
  );

  r.add(endpoints.adminResetPassword, async (ctx, { body, params }) => {
    const hash = await bcrypt.hash(body.password, c.config.env === 'test' ? 4 : 10);
    return c.db.tx(async (q) => {
      const id = Number(params.id);
      await staffRow(q, id);
      const now = c.clock.now();
      await q.exec(
        'UPDATE staff_accounts SET password_hash = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?',
        [hash, now.getTime(), id],
      );
      await audit(q, { ...actor(ctx), action: 'staff.password_reset', targetType: 'staff', targetId: id }, now);
      return staffView(await staffRow(q, id));
    });
  });
}
