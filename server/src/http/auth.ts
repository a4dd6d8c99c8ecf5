import type { Next } from 'koa';
import type { AppKoaContext } from './state';
import type { StaffRole } from '@huiyuan/shared';
import type { Database } from '../db/database';
import { accountStates } from '../modules/members/store';
import { staffAuthRow, staffAuthRows, type StaffAuthRow } from '../modules/staff/store';
import { Batcher } from '../db/batcher';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { Tokens } from './tokens';
import type { MemberPrincipal, StaffPrincipal } from '../core/principals';

function bearer(ctx: AppKoaContext): string {
  const h = ctx.get('authorization');
  const m = /^Bearer ([A-Za-z0-9._-]{10,2048})$/.exec(h);
  if (!m) throw new AppError('UNAUTHENTICATED');
  return m[1];
}

/**
 * Who is calling. Tokens are checked for signature and expiry, then against the
 * account row, so a deleted or disabled account (or a bumped token version) stops
 * working at once rather than when its token expires.
 */
interface MemberRow {
  status: string;
  token_version: number;
}

export class Auth {
  /**
   * Every member call reads its account row. Reads that arrive together go to the
   * database as one `WHERE id IN (...)`: each still sees the row as committed after
   * its request arrived (nothing is cached), the database sees far fewer round trips.
   */
  private readonly members: Batcher<number, MemberRow | undefined>;
  /** The same for staff calls (a busy store's tills). */
  private readonly staffRows: Batcher<number, StaffAuthRow | undefined>;

  constructor(
    private readonly db: Database,
    private readonly tokens: Tokens,
    private readonly clock: Clock,
  ) {
    this.members = new Batcher(
      (ids) => this.memberRows(ids),
      async (id) => (await this.memberRows([id]))[0],
      { maxBatch: 100, maxInFlight: 4 },
    );
    this.staffRows = new Batcher(
      async (ids) => {
        const rows = await this.db.read((q) => staffAuthRows(q, ids));
        return ids.map((id) => rows.get(id));
      },
      (id) => this.db.read((q) => staffAuthRow(q, id)),
      { maxBatch: 100, maxInFlight: 4 },
    );
  }

  private async memberRows(ids: number[]): Promise<(MemberRow | undefined)[]> {
    const unique = [...new Set(ids)];
    const rows = await this.db.read((q) => accountStates(q, unique));
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.map((id) => byId.get(id));
  }

  member() {
    return async (ctx: AppKoaContext, next: Next) => {
      const claims = this.tokens.verifyMember(bearer(ctx), this.clock.now());
      const id = Number(claims.sub);
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('TOKEN_INVALID');
      const row = await this.members.submit(id);
      if (!row || row.status !== 'active' || Number(row.token_version) !== claims.ver)
        throw new AppError('TOKEN_INVALID');
      ctx.state.member = { id } satisfies MemberPrincipal;
      await next();
    };
  }

  staff(roles: StaffRole[]) {
    return async (ctx: AppKoaContext, next: Next) => {
      const claims = this.tokens.verifyStaff(bearer(ctx), this.clock.now());
      const id = Number(claims.sub);
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('TOKEN_INVALID');
      const row = await this.staffRows.submit(id);
      if (!row || row.status !== 'active' || Number(row.token_version) !== claims.ver)
        throw new AppError('TOKEN_INVALID');
      // Role and store come from the row, not the token: a demotion takes effect at once.
      const principal: StaffPrincipal = {
        id,
        role: row.role,
        storeId: row.store_id === null ? null : Number(row.store_id),
      };
      if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', 'Your role may not do this');
      ctx.state.staff = principal;
      await next();
    };
  }
}
