import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime } from './common';

/**
 * The brand (name, logo, card background, colours) the mini-program and the console
 * dress in, uploaded images, and the clerk's shift summary.
 */

/** Widths (px) every uploaded image is served at: `/images/<id>-<width>.<ext>`. */
export const IMAGE_WIDTHS = [160, 480, 960] as const;
export type ImageWidth = (typeof IMAGE_WIDTHS)[number];
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

const Colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, '#rrggbb')
  .transform((s) => s.toLowerCase());
/** An image link: a served upload (`/images/...`, possibly on a configured origin) or any https URL. */
export const ImageUrl = z
  .string()
  .max(512)
  .regex(/^(https:\/\/[^\s]+|\/images\/[A-Za-z0-9._-]+)$/, 'https://… or /images/…');

export const BrandSettingsSchema = z.object({
  name: z.string().trim().min(1).max(32).describe('Shown as the programme name (会员 by default)'),
  logoUrl: ImageUrl.nullable(),
  cardBackgroundUrl: ImageUrl.nullable().describe("Behind the member card; null = the tier's colours"),
  primaryColor: Colour,
  accentColor: Colour,
});
export type BrandSettings = z.infer<typeof BrandSettingsSchema>;
export const DEFAULT_BRAND: BrandSettings = {
  name: '会员',
  logoUrl: null,
  cardBackgroundUrl: null,
  primaryColor: '#1f1f2e',
  accentColor: '#c8a063',
};
export const BrandResponse = z.object({
  name: z.string(),
  logoUrl: z.string().nullable(),
  cardBackgroundUrl: z.string().nullable(),
  primaryColor: z.string().describe('#rrggbb'),
  accentColor: z.string().describe('#rrggbb'),
});
export type BrandResponse = z.infer<typeof BrandResponse>;

export const ImageUploaded = z.object({
  id: Id,
  url: z.string().describe('The 480 px variant; replace -480 with -160 or -960 for the others'),
  width: z.int().describe('Of the original'),
  height: z.int(),
  contentType: z.enum(IMAGE_TYPES),
});
export type ImageUploaded = z.infer<typeof ImageUploaded>;

const MAX_SUMMARY_MS = 31 * 24 * 3600 * 1000;
export const ShiftSummaryQuery = z
  .strictObject({
    from: IsoDateTime.optional().describe('Default: the start of the business day'),
    to: IsoDateTime.optional().describe('Default: the end of the business day of `from`'),
    storeId: Id.optional().describe("Default: the caller's store; another store is refused (operators: any store)"),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), '`from` must be before `to`')
  .refine(
    (q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= MAX_SUMMARY_MS,
    'At most 31 days at a time',
  );
export const ShiftSummary = z.object({
  storeId: Id,
  from: IsoDateTime,
  to: IsoDateTime.describe('Exclusive'),
  credits: z.object({
    count: z.int().describe('Orders credited'),
    points: z.int().describe('Purchase points they earned'),
    amountCents: z.int(),
  }),
  refunds: z.object({ count: z.int(), amountCents: z.int(), pointsClawedBack: z.int() }),
  writeOffs: z.object({ count: z.int().describe('Vouchers written off at this store') }),
  totals: z.object({
    netAmountCents: z.int().describe('Credited less refunded'),
    netPoints: z.int().describe('Points earned less points clawed back'),
  }),
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;

export const brandEndpoints = {
  getBrand: endpoint({
    method: 'get',
    path: '/api/brand',
    tag: 'brand',
    auth: 'none',
    summary: 'The brand: name, logo, card background and colours (cacheable: ETag, Cache-Control)',
    response: BrandResponse,
  }),
  adminUploadImage: endpoint({
    method: 'post',
    path: '/api/admin/images',
    tag: 'admin',
    auth: 'operator',
    upload: IMAGE_TYPES,
    summary:
      'Upload an image (raw body with Content-Type image/png, image/jpeg or image/webp, or multipart/form-data with one file; at most 5 MB). The type is checked from the content. Served at /images/<id>-<160|480|960>.<ext>.',
    response: ImageUploaded,
    status: 201,
    errors: ['IMAGE_TYPE_UNSUPPORTED', 'IMAGE_INVALID', 'BODY_TOO_LARGE', 'SERVICE_UNAVAILABLE'],
  }),
  staffShiftSummary: endpoint({
    method: 'get',
    path: '/api/staff/shift-summary',
    tag: 'staff',
    auth: 'staff',
    summary:
      "What a store did in a period (default: today in business time): purchases credited, refunds with the points clawed back, vouchers written off. Only the caller's own store.",
    query: ShiftSummaryQuery,
    response: ShiftSummary,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED', 'FORBIDDEN'],
  }),
};
