import type { ResponseFor } from '@huiyuan/shared';

/** The benefit editor's form state and what it sends. */
export type Benefit = ResponseFor<'adminListBenefits'>['items'][number] & {
  imageUrl?: string | null;
  visibleFrom?: string | null;
};

export interface Draft {
  id: string | null;
  title: string;
  description: string;
  kind: 'voucher' | 'gift' | 'coupon';
  costPoints: string;
  stock: string;
  perMemberLimit: string;
  validDays: string;
  visibleFrom: string;
  visibleUntil: string;
  memberDayOnly: boolean;
  paidMembersOnly: boolean;
  /** undefined: unchanged; null: remove the image; an id: the uploaded one. */
  imageId?: string | null;
  imageUrl: string | null;
}
export const EMPTY: Draft = {
  id: null,
  title: '',
  description: '',
  kind: 'voucher',
  costPoints: '100',
  stock: '100',
  perMemberLimit: '0',
  validDays: '30',
  visibleFrom: '',
  visibleUntil: '',
  memberDayOnly: false,
  paidMembersOnly: false,
  imageUrl: null,
};

/** datetime-local (Asia/Shanghai wall time) <-> ISO instant. */
export const toIso = (local: string) => (local ? new Date(`${local}:00+08:00`).toISOString() : null);
export const toLocal = (iso: string | null | undefined) =>
  iso ? new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16) : '';

/** The editable fields as the API takes them; `imageId` only when an image was chosen or removed. */
export function fieldsOf(d: Draft): Record<string, unknown> {
  return {
    title: d.title,
    description: d.description,
    perMemberLimit: Number(d.perMemberLimit),
    visibleFrom: toIso(d.visibleFrom),
    visibleUntil: toIso(d.visibleUntil),
    memberDayOnly: d.memberDayOnly,
    paidMembersOnly: d.paidMembersOnly,
    ...(d.imageId !== undefined ? { imageId: d.imageId } : {}),
  };
}
