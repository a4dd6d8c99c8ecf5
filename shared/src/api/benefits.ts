import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime, PageQuery, TierCode } from './common';
import { IdParams } from './admin';

/** Points mall: benefits, redemption into vouchers, staff write-off, operator catalogue. */
export const VoucherCode = z
  .string()
  .regex(/^[A-Z2-9]{16}$/)
  .describe('16 characters, shown as a QR code');
export const VoucherStatus = z.enum(['unused', 'used', 'expired', 'cancelled']);

export const BenefitView = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  kind: z.enum(['voucher', 'gift', 'coupon']),
  costPoints: z.int(),
  stockLeft: z.int(),
  perMemberLimit: z.int().describe('0 = no limit'),
  myRemaining: z.int().nullable().describe('null = no limit'),
  minTier: z.object({ code: z.string(), name: z.string() }).nullable(),
  locked: z.boolean().describe("True when the member's tier is too low"),
  validity: z.object({ days: z.int().nullable(), until: IsoDateTime.nullable() }),
  visibleUntil: IsoDateTime.nullable(),
  memberDayOnly: z.boolean().describe('Shown and redeemable only on member days'),
  paidMembersOnly: z
    .boolean()
    .optional()
    .describe(
      'Redeemable only while a paid membership is active (others get PAID_MEMBERS_ONLY); always sent by the server',
    ),
  imageUrl: z.string().nullable().describe('The 480 px variant of its image; null = none'),
});
export const BenefitList = z.object({ items: z.array(BenefitView) });

export const VoucherView = z.object({
  id: Id,
  code: VoucherCode,
  benefitId: Id,
  title: z.string(),
  status: VoucherStatus,
  costPoints: z.int(),
  validUntil: IsoDateTime,
  redeemedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export const VoucherPage = z.object({ items: z.array(VoucherView), nextCursor: z.string().nullable() });
export const VouchersQuery = PageQuery.extend({ status: VoucherStatus.optional() });

export const RedeemRequest = z.strictObject({ benefitId: Id });
export const RedeemResult = z.object({ voucher: VoucherView, balance: z.int(), replayed: z.boolean() });
export const CancelResult = z.object({ voucher: VoucherView, refundedPoints: z.int(), balance: z.int() });

export const VoucherPreviewQuery = z.strictObject({ code: z.string().trim().toUpperCase().pipe(VoucherCode) });
export const VoucherPreview = z.object({
  code: VoucherCode,
  title: z.string(),
  status: VoucherStatus,
  validUntil: IsoDateTime,
  memberMaskedName: z.string(),
  redeemable: z.boolean(),
  reason: z.string().nullable().describe('Why it cannot be written off'),
});
export const WriteOffRequest = z.strictObject({ code: z.string().trim().toUpperCase().pipe(VoucherCode) });
export const WriteOffResult = z.object({ code: VoucherCode, title: z.string(), redeemedAt: IsoDateTime, storeId: Id });

const BenefitFields = {
  title: z.string().trim().min(1).max(64),
  description: z.string().max(500).default(''),
  kind: z.enum(['voucher', 'gift', 'coupon']).default('voucher'),
  costPoints: z.int().min(0).max(10_000_000),
  perMemberLimit: z.int().min(0).max(1000).default(0),
  minTier: TierCode.nullable().default(null),
  visibleFrom: IsoDateTime.nullable().default(null),
  visibleUntil: IsoDateTime.nullable().default(null),
  validDays: z.int().min(0).max(3650).default(30).describe('Voucher validity in days after issue (0 = use validUntil)'),
  validUntil: IsoDateTime.nullable().default(null),
  memberDayOnly: z.boolean().default(false).describe('Shown in the mall and redeemable only on member days'),
  paidMembersOnly: z.boolean().default(false).describe('Redeemable only by paid members (shown to all, marked)'),
  imageId: Id.nullable().default(null).describe('An uploaded image (POST /api/admin/images); null = none'),
};
export const CreateBenefit = z
  .strictObject({ ...BenefitFields, stock: z.int().min(0).max(10_000_000) })
  .refine((b) => b.validDays > 0 || b.validUntil !== null, 'Give validDays or validUntil');
export const PatchBenefit = z
  .strictObject({
    title: BenefitFields.title.optional(),
    description: z.string().max(500).optional(),
    perMemberLimit: z.int().min(0).max(1000).optional(),
    minTier: BenefitFields.minTier.unwrap().unwrap().nullable().optional(),
    status: z.enum(['active', 'hidden']).optional(),
    visibleFrom: IsoDateTime.nullable().optional(),
    visibleUntil: IsoDateTime.nullable().optional(),
    memberDayOnly: z.boolean().optional(),
    paidMembersOnly: z.boolean().optional(),
    imageId: Id.nullable().optional().describe('null removes the image'),
  })
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change');
export const TopUpStock = z.strictObject({ add: z.int().min(1).max(10_000_000) });
export const AdminBenefit = BenefitView.omit({ myRemaining: true, locked: true }).extend({
  visibleFrom: IsoDateTime.nullable().describe('Shown in the mall from then (null: at once)'),
  stockTotal: z.int(),
  status: z.string(),
  issued: z.int(),
  writtenOff: z.int(),
});

const op = { auth: 'operator' as const, tag: 'admin' };
export const benefitEndpoints = {
  listBenefits: endpoint({
    method: 'get',
    path: '/api/benefits',
    tag: 'benefits',
    auth: 'member',
    summary: 'Points mall: visible benefits with stock, my remaining limit and tier lock',
    response: BenefitList,
  }),
  redeem: endpoint({
    method: 'post',
    path: '/api/me/redemptions',
    tag: 'benefits',
    auth: 'member',
    idempotencyKey: true,
    summary:
      'Redeem a benefit: takes stock, debits points and issues a voucher in one transaction; idempotent on the Idempotency-Key header',
    body: RedeemRequest,
    response: RedeemResult,
    errors: [
      'VALIDATION_FAILED',
      'BENEFIT_NOT_FOUND',
      'BENEFIT_NOT_AVAILABLE',
      'MEMBER_DAY_ONLY',
      'PAID_MEMBERS_ONLY',
      'TIER_TOO_LOW',
      'LIMIT_REACHED',
      'OUT_OF_STOCK',
      'INSUFFICIENT_POINTS',
      'IDEMPOTENCY_CONFLICT',
      'RATE_LIMITED',
    ],
  }),
  listVouchers: endpoint({
    method: 'get',
    path: '/api/me/vouchers',
    tag: 'benefits',
    auth: 'member',
    summary: 'My vouchers, newest first, by status',
    query: VouchersQuery,
    response: VoucherPage,
    errors: ['VALIDATION_FAILED'],
  }),
  cancelVoucher: endpoint({
    method: 'post',
    path: '/api/me/vouchers/:id/cancel',
    tag: 'benefits',
    auth: 'member',
    params: IdParams,
    summary: 'Cancel an unused, valid voucher: stock and points come back (once)',
    response: CancelResult,
    errors: ['VOUCHER_NOT_FOUND', 'VOUCHER_USED', 'VOUCHER_EXPIRED', 'VOUCHER_CANCELLED'],
  }),
  previewVoucher: endpoint({
    method: 'get',
    path: '/api/staff/vouchers/preview',
    tag: 'staff',
    auth: 'staff',
    summary: 'What a scanned voucher is and whether it can be written off now',
    query: VoucherPreviewQuery,
    response: VoucherPreview,
    errors: ['VOUCHER_NOT_FOUND', 'STORE_REQUIRED', 'RATE_LIMITED'],
  }),
  writeOffVoucher: endpoint({
    method: 'post',
    path: '/api/staff/vouchers/redeem',
    tag: 'staff',
    auth: 'staff',
    summary: 'Write a voucher off, once, while it is valid',
    body: WriteOffRequest,
    response: WriteOffResult,
    errors: [
      'VOUCHER_NOT_FOUND',
      'VOUCHER_USED',
      'VOUCHER_EXPIRED',
      'VOUCHER_CANCELLED',
      'STORE_REQUIRED',
      'RATE_LIMITED',
    ],
  }),
  adminListBenefits: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/benefits',
    summary: 'The catalogue with stock and issue counts',
    response: z.object({ items: z.array(AdminBenefit) }),
  }),
  adminCreateBenefit: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/benefits',
    summary: 'Add a benefit (audited)',
    body: CreateBenefit,
    response: AdminBenefit,
    status: 201,
    errors: ['VALIDATION_FAILED'],
  }),
  adminPatchBenefit: endpoint({
    ...op,
    method: 'patch',
    path: '/api/admin/benefits/:id',
    params: IdParams,
    summary: 'Change visibility, gating, limit or texts (audited)',
    body: PatchBenefit,
    response: AdminBenefit,
    errors: ['VALIDATION_FAILED', 'BENEFIT_NOT_FOUND'],
  }),
  adminTopUpStock: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/benefits/:id/stock',
    params: IdParams,
    summary: 'Add stock (audited)',
    body: TopUpStock,
    response: AdminBenefit,
    errors: ['VALIDATION_FAILED', 'BENEFIT_NOT_FOUND'],
  }),
  adminCancelVoucher: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/vouchers/:id/cancel',
    params: IdParams,
    summary: "Cancel a member's unused voucher: stock and points come back (audited)",
    response: CancelResult,
    errors: ['VOUCHER_NOT_FOUND', 'VOUCHER_USED', 'VOUCHER_EXPIRED', 'VOUCHER_CANCELLED'],
  }),
};
