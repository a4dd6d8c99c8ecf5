import { LEDGER_REASON_LABELS, hasLedgerLabel, ledgerReasonLabel } from './ledger-reasons';

describe('ledger reason labels', () => {
  it('labels every code in Chinese, distinct per code', () => {
    const labels = Object.values(LEDGER_REASON_LABELS);
    for (const l of labels) expect(l).toMatch(/[\u4e00-\u9fff]/);
    expect(Object.keys(LEDGER_REASON_LABELS).every((c) => /^[a-z][a-z0-9_]*$/.test(c))).toBe(true);
  });

  it('names a known code, falls back to the type for an unknown code, keeps free text', () => {
    expect(ledgerReasonLabel('purchase', 'credit')).toBe('消费获得');
    expect(ledgerReasonLabel('points_expired', 'expire')).toBe('积分过期');
    expect(ledgerReasonLabel('some_new_code', 'debit')).toBe('使用积分');
    expect(ledgerReasonLabel('some_new_code')).toBe('积分变动');
    expect(ledgerReasonLabel('门店补偿', 'adjust')).toBe('门店补偿');
    expect(hasLedgerLabel('toString')).toBe(false);
  });
});
