import { z } from 'zod';
import { Id, IdempotencyKey, IsoDateTime, Points, SignedPoints } from './common';

export const EntryType = z.enum(['credit', 'debit', 'expire', 'adjust', 'reversal']);
export type EntryType = z.infer<typeof EntryType>;

export const ExpiringLot = z.object({ points: z.int(), expiresAt: IsoDateTime });

export const PointsSummary = z.object({
  balance: z.int().describe('Points that can be spent now'),
  expiringSoon: z.object({
    withinDays: z.int(),
    total: z.int(),
    lots: z.array(ExpiringLot).describe('Per lot, earliest first'),
  }),
  pending: z
    .object({
      total: z.int().describe('Purchase points earned but not yet spendable'),
      items: z
        .array(z.object({ points: z.int(), releasesAt: IsoDateTime }))
        .describe('Per purchase, earliest release first (at most 50)'),
    })
    .optional()
    .describe('Always sent by the server; optional for readers of older answers'),
});
export type PointsSummary = z.infer<typeof PointsSummary>;

export const PointsEntry = z.object({
  id: Id,
  delta: SignedPoints,
  type: EntryType,
  reason: z.string(),
  ref: z.string().nullable(),
  balanceAfter: z.int(),
  storeId: Id.nullable(),
  createdAt: IsoDateTime,
});
export type PointsEntry = z.infer<typeof PointsEntry>;

export const PointsEntriesPage = z.object({ items: z.array(PointsEntry), nextCursor: z.string().nullable() });
export type PointsEntriesPage = z.infer<typeof PointsEntriesPage>;

export const ReasonCode = z.string().regex(/^[a-z][a-z0-9_.]{1,47}$/, 'lower_snake reason code');

export const AdjustPointsRequest = z.strictObject({
  memberId: Id,
  delta: SignedPoints.refine((n) => n !== 0, 'Must not be zero'),
  reason: z.string().trim().min(2).max(200).describe('Why: kept in the ledger and the audit log'),
  idempotencyKey: IdempotencyKey,
});
export type AdjustPointsRequest = z.infer<typeof AdjustPointsRequest>;

export const LedgerResult = z.object({
  entryId: Id,
  memberId: Id,
  delta: SignedPoints,
  balanceAfter: z.int(),
  replayed: z.boolean().describe('True when this key was already applied and the first result is returned'),
});
export type LedgerResult = z.infer<typeof LedgerResult>;

export { Points };
