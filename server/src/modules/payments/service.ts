import type { Q } from '../../db/database';
import type {
  CreateJsapiInput,
  JsapiOrder,
  OrderView,
  PaidHandler,
  PayPurpose,
  RefundedHandler,
  RefundInput,
  RefundView,
} from './types';

export * from './types';

/**
 * WeChat Pay (API v3) payments: orders, their confirmation (notification, query)
 * and refunds. A purpose registers handlers that run inside the transaction that
 * moves an order to PAID / a refund to SUCCESS, so its effect commits with the
 * payment, once.
 */
export class PaymentService {
  private readonly paid = new Map<PayPurpose, PaidHandler[]>();
  private readonly refunded = new Map<PayPurpose, RefundedHandler[]>();

  onPaid(purpose: PayPurpose, handler: PaidHandler): void {
    this.paid.set(purpose, [...(this.paid.get(purpose) ?? []), handler]);
  }

  onRefunded(purpose: PayPurpose, handler: RefundedHandler): void {
    this.refunded.set(purpose, [...(this.refunded.get(purpose) ?? []), handler]);
  }

  createJsapiOrder(_input: CreateJsapiInput): Promise<JsapiOrder> {
    throw new Error('not yet');
  }

  refund(_input: RefundInput): Promise<RefundView> {
    throw new Error('not yet');
  }

  syncOrder(_outTradeNo: string): Promise<OrderView> {
    throw new Error('not yet');
  }

  orderView(_memberId: number, _outTradeNo: string): Promise<OrderView> {
    throw new Error('not yet');
  }

  /** Whether WeChat Pay is configured; when not, every pay endpoint answers 503 PAY_UNAVAILABLE. */
  get enabled(): boolean {
    return false;
  }

  protected handlersOf(purpose: PayPurpose): { paid: PaidHandler[]; refunded: RefundedHandler[] } {
    return { paid: this.paid.get(purpose) ?? [], refunded: this.refunded.get(purpose) ?? [] };
  }
}

export type { Q };
