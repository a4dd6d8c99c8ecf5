import { randomBytes } from 'node:crypto';
import {
  LOOKUP_REQUEST_SECONDS,
  MEMBER_TOKEN_SECONDS,
  maskName,
  maskPhone,
  splitPayment,
  type BodyFor,
  type CheckoutRequest,
  type endpoints,
  type ResponseOf,
} from '@huiyuan/shared';
import type { MemberCodes } from '../card/service';
import { matchesRedeem, redeemState, requestRedeem, type RedeemDeps } from './redeem';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import { requireStore, type StaffPrincipal } from '../../core/principals';
import type { Settings } from '../settings/settings';
import { limits, type Limits } from '../limits/service';
import type { PhoneCrypto } from '../members/phone-crypto';
import { idsByPhoneHash, nicknameOf, statusOf } from '../members/store';
import { storeNameOf } from '../staff/store';
import { audit } from '../audit/audit';
import { enqueueIn } from '../notifications/outbox';
import * as store from './store';
import { clerkState, RequestKeys, same } from './keys';

type State = ResponseOf<typeof endpoints.staffPhoneLookupState>;
/** Wrong codes a clerk may type before the request closes (10^6 codes: guessing is hopeless). */
const MAX_CODE_ATTEMPTS = 5;

/**
 * Counter lookup by phone. A clerk's request reaches the member the phone's keyed
 * hash names; the member confirms in the app (or reads a code derived from the
 * request to the clerk); then the clerk holds a member token, derived from the
 * request id too, good for one checkout at that store. Nothing the clerk sees
 * differs between a member's number and a stranger's until the member confirms:
 * the same answer, the same rate limits, a refusal that looks like silence.
 */
export class Confirmations {
  readonly keys: RequestKeys;
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly limits: Limits,
    private readonly phones: PhoneCrypto,
    serverSecret: string,
  ) {
    this.keys = new RequestKeys(serverSecret);
  }

  async request(staff: StaffPrincipal, phone: string, requestId?: string) {
    const storeId = requireStore(staff);
    const rules = await this.settings.get('checkout.phoneLookup');
    if (!rules.enabled) throw new AppError('FORBIDDEN', 'Lookup by phone is off');
    const now = this.clock.now().getTime();
    await this.limits.check([limits.phoneLookupsPerStaff(rules.perStaffPerHour, staff.id)], [], now);
    const hash = this.phones.lookupHash(phone);
    // Past the number's hourly budget the request is accepted but reaches nobody: a clerk
    // cannot pester a member, nor tell a member's number from a stranger's by the answer.
    const quiet = await this.limits.check([limits.phoneLookupsPerPhone(rules.perMemberPerHour, hash)], [], now).then(
      () => false,
      (err) => {
        if ((err as AppError).code === 'RATE_LIMITED') return true;
        throw err;
      },
    );
    const id = randomBytes(16).toString('hex');
    const expiresAt = now + LOOKUP_REQUEST_SECONDS * 1000;
    const maskedPhone = maskPhone(phone);
    await this.db.tx(async (q) => {
      const memberId = quiet ? null : await this.memberByHash(q, hash);
      await store.insertRequest(
        q,
        { id, storeId, staffId: staff.id, memberId, maskedPhone, mode: rules.confirm },
        now,
        expiresAt,
      );
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: staff.id,
          action: 'lookup.request',
          targetType: memberId ? 'member' : undefined,
          targetId: memberId ?? undefined,
          after: { requestId: id, storeId, matched: memberId !== null, quiet },
          requestId,
        },
        new Date(now),
      );
      // The member may not have the app open: a message (inbox, and WeChat when subscribed) opens the confirm page.
      if (memberId !== null)
        await enqueueIn(
          q,
          {
            dedupeKey: `lookup:${id}`,
            kind: 'lookup_request',
            memberId,
            payload: {
              storeName: (await storeNameOf(q, storeId)) ?? '门店',
              expiresAt: new Date(expiresAt).toISOString(),
            },
          },
          new Date(now),
        );
    });
    return { requestId: id, maskedPhone, confirm: rules.confirm, expiresAt: new Date(expiresAt).toISOString() };
  }

  async state(staff: StaffPrincipal, id: string): Promise<State> {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    const row = await this.db.read((q) => store.requestOf(q, id));
    if (!row || row.store_id !== storeId || row.purpose !== 'lookup') throw new AppError('LOOKUP_NOT_FOUND');
    return this.db.read((q) => this.view(q, row, now));
  }

  /** The clerk types the code the member reads from the app (setting `member_code`). */
  async verify(staff: StaffPrincipal, id: string, code: string, requestId?: string): Promise<State> {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    // The attempt is counted in its own unit of work, so a wrong code still counts.
    const counted = await this.db.tx((q) => store.countAttempt(q, id, storeId, now, MAX_CODE_ATTEMPTS));
    const row = await this.db.read((q) => store.requestOf(q, id));
    if (!row || row.store_id !== storeId) throw new AppError('LOOKUP_NOT_FOUND');
    const right =
      counted === 1 && row.member_id !== null && row.confirm_mode === 'member_code' && same(code, this.keys.codeOf(id));
    return this.db
      .tx(async (q) => {
        const done =
          right &&
          (await store.markConfirmed(q, id, { mode: 'member_code' }, now, now + MEMBER_TOKEN_SECONDS * 1000)) === 1;
        await audit(
          q,
          {
            actorType: 'staff',
            actorId: staff.id,
            action: done ? 'lookup.confirm' : 'lookup.code_refused',
            targetType: done ? 'member' : undefined,
            targetId: done ? (row.member_id ?? undefined) : undefined,
            after: { requestId: id, storeId, by: 'code' },
            requestId,
          },
          new Date(now),
        );
        if (!done) return null;
        return this.view(q, (await store.requestOf(q, id))!, now);
      })
      .then((view) => {
        if (!view) throw new AppError('LOOKUP_CODE_INVALID');
        return view;
      });
  }

  /** The member's open requests, with the store's name and, when the clerk types it, the code; a redeem's points. */
  async pending(memberId: number) {
    const now = this.clock.now().getTime();
    const cash = await this.settings.get('checkout.pointsCash');
    return this.db.read(async (q) => {
      const rows = await store.pendingOf(q, memberId, now);
      const items = [];
      for (const r of rows)
        items.push({
          id: r.id,
          storeName: (await storeNameOf(q, r.store_id)) ?? '门店',
          confirm: r.confirm_mode,
          code: r.confirm_mode === 'member_code' ? this.keys.codeOf(r.id) : null,
          expiresAt: new Date(r.expires_at).toISOString(),
          purpose: r.purpose,
          points: r.points,
          discountCents:
            r.points === null ? null : splitPayment(r.amount_cents!, r.points, cash.pointsPerYuan).discountCents,
          amountCents: r.amount_cents,
        });
      return { items };
    });
  }

  async answer(memberId: number, id: string, answer: 'confirm' | 'reject', requestId?: string) {
    const now = this.clock.now().getTime();
    return this.db.tx(async (q) => {
      const changed =
        answer === 'confirm'
          ? await store.markConfirmed(
              q,
              id,
              { memberId, mode: 'member_confirm' },
              now,
              now + MEMBER_TOKEN_SECONDS * 1000,
            )
          : await store.markRejected(q, id, memberId, now);
      if (changed !== 1) throw new AppError('LOOKUP_NOT_FOUND');
      await audit(
        q,
        {
          actorType: 'member',
          actorId: memberId,
          action: answer === 'confirm' ? 'lookup.confirm' : 'lookup.reject',
          targetType: 'member',
          targetId: memberId,
          after: { requestId: id },
          requestId,
        },
        new Date(now),
      );
      return { id, status: answer === 'confirm' ? ('confirmed' as const) : ('rejected' as const) };
    });
  }

  /**
   * The member behind a token, for a checkout at `storeId`: a genuine token of a
   * confirmed, unexpired, unused request of this store; otherwise MEMBER_TOKEN_INVALID.
   * `used` also answers for a used one (a checkout's retry is answered from its order).
   */
  async memberOf(token: string, storeId: number, allowUsed = false): Promise<number> {
    const id = this.keys.idOf(token);
    const row = id ? await this.db.read((q) => store.requestOf(q, id)) : undefined;
    const now = this.clock.now().getTime();
    const live = row?.status === 'confirmed' && (row.token_expires_at ?? 0) > now;
    if (!row || row.store_id !== storeId || row.member_id === null || !(live || (allowUsed && row.status === 'used')))
      throw new AppError('MEMBER_TOKEN_INVALID');
    return row.member_id;
  }

  /** Points as cash confirmed on the phone: the clerk's request (the code checked, not used) and its state. */
  requestRedeem(codes: MemberCodes, staff: StaffPrincipal, body: BodyFor<'staffRedeemConfirmation'>, rid?: string) {
    return requestRedeem(this.redeemDeps(), codes, staff, body, rid);
  }

  redeemState(staff: StaffPrincipal, id: string) {
    return redeemState(this.redeemDeps(), staff, id);
  }

  /**
   * Whether a checkout may go with this token: a lookup's token only without
   * points; a redeem confirmation's only for its own order, amount and points.
   * An unknown token passes here without points, to be refused by `memberOf`.
   */
  async allowsToken(token: string, storeId: number, req: CheckoutRequest): Promise<boolean> {
    const id = this.keys.idOf(token);
    const row = id ? await this.db.read((q) => store.requestOf(q, id)) : undefined;
    if (row?.purpose === 'redeem') return matchesRedeem(row, storeId, req);
    return (req.redeemPoints ?? 0) === 0;
  }

  private redeemDeps(): RedeemDeps {
    return {
      db: this.db,
      now: () => this.clock.now().getTime(),
      settings: this.settings,
      limits: this.limits,
      keys: this.keys,
    };
  }

  /** Uses the token up inside the checkout's unit of work: once, at its store, in its window. */
  async useIn(q: Q, token: string, storeId: number, orderNo: string, now: Date): Promise<void> {
    const id = this.keys.idOf(token);
    if (!id || (await store.markUsed(q, id, storeId, orderNo, now.getTime())) !== 1)
      throw new AppError('MEMBER_TOKEN_INVALID');
  }

  private async view(q: Q, row: store.LookupRow, now: number): Promise<State> {
    const state = clerkState(this.keys, row, now);
    const confirmed = state.status === 'confirmed';
    const name = confirmed && row.member_id !== null ? await nicknameOf(q, row.member_id) : undefined;
    return {
      ...state,
      maskedName: confirmed ? maskName(name?.nickname ?? null) : null,
      maskedPhone: row.masked_phone,
    };
  }

  /** The one active member holding this number; none when no one (or, ambiguously, several) does. */
  private async memberByHash(q: Q, hash: string): Promise<number | null> {
    const ids = await idsByPhoneHash(q, hash);
    if (ids.length !== 1) return null;
    return (await statusOf(q, ids[0]))?.status === 'active' ? ids[0] : null;
  }
}
