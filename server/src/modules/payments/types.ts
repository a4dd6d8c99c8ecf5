import type { Q } from '../../db/database';

/**
 * The payments module's public shapes: what a purpose (membership, ...) sees of a
 * payment and what its handlers receive. Money is in fen (integer cents).
 */

/**
 * What a payment is for (`membership`; at most 16 characters). A purpose must
 * register an onPaid handler before orders are made for it: nothing is sold that
 * nobody would deliver.
 */
export type PayPurpose = string;

export type PayOrderState = 'CREATED' | 'PAID' | 'CLOSED' | 'REFUNDING' | 'REFUNDED' | 'PARTIALLY_REFUNDED';
/** WeChat Pay's refund statuses as they are, and NEW: recorded, WeChat not yet reached. */
export type RefundState = 'NEW' | 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
/** What moved an order: WeChat's notification, our query, our close, a refund. */
export type PayEventSource = 'create' | 'notify' | 'query' | 'close' | 'refund';

export interface CreateJsapiInput {
  memberId: number;
  /** The member's openid for this app (the payer). */
  openid: string;
  purpose: PayPurpose;
  /** The purpose's own id for what is bought (a plan code, a subscription id, ...). */
  purposeRef: string;
  amountFen: number;
  /** Shown to the payer in WeChat (<= 127 chars). */
  description: string;
  /** Unique per member: a retry with the same key returns the same order (409 when the input differs). */
  idempotencyKey: string;
}

/** The parameters the mini-program passes to wx.requestPayment as they are. */
export interface RequestPayment {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface JsapiOrder {
  outTradeNo: string;
  prepayId: string;
  requestPayment: RequestPayment;
}

/** An order that has been paid (what onPaid receives, and onRefunded's order). */
export interface PaidOrder {
  outTradeNo: string;
  memberId: number;
  purpose: PayPurpose;
  purposeRef: string;
  amountFen: number;
  /** WeChat's transaction id. */
  transactionId: string;
  /** Epoch ms of WeChat's success_time (our clock when WeChat gave none). */
  paidAt: number;
}

export interface RefundRow {
  outRefundNo: string;
  outTradeNo: string;
  amountFen: number;
  reason: string;
  state: RefundState;
  /** WeChat's refund id, once known. */
  refundId: string | null;
  createdAt: number;
  /** Epoch ms the refund reached SUCCESS / CLOSED / ABNORMAL. */
  finishedAt: number | null;
}

export interface RefundInput {
  outTradeNo: string;
  amountFen: number;
  reason: string;
  /** Unique per order: a retry with the same key returns the same refund. */
  idempotencyKey: string;
  /** The operator who asked, for the audit row (none: the system, e.g. a purpose's own rule). */
  by?: { staffId: number; requestId?: string };
}

export type RefundView = RefundRow;

export interface OrderView {
  outTradeNo: string;
  purpose: PayPurpose;
  purposeRef: string;
  amountFen: number;
  refundedFen: number;
  state: PayOrderState;
  description: string;
  transactionId: string | null;
  createdAt: number;
  paidAt: number | null;
  closedAt: number | null;
}

/** Runs inside the transaction that moves the order to PAID: exactly once per order. */
export type PaidHandler = (q: Q, order: PaidOrder) => Promise<void>;
/** Runs inside the transaction that records a refund as SUCCESS: exactly once per refund. */
export type RefundedHandler = (q: Q, refund: RefundRow, order: PaidOrder) => Promise<void>;
