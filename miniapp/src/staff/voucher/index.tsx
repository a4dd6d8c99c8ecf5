import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { previewVoucher, writeOffVoucher, type VoucherPreview, type WriteOffResult } from '../../api/staff';
import ScanInput from '../../components/ScanInput';
import { confirm } from '../../utils/feedback';
import { formatDate, formatDateTime } from '../../utils/format';
import { ROUTES } from '../../utils/routes';
import { handleStaffError, useStaffGuard } from '../guard';

const SELF = ROUTES.staffVoucher;
const STATUS_TEXT: Record<VoucherPreview['status'], string> = {
  unused: '可核销',
  used: '已使用',
  expired: '已过期',
  cancelled: '已作废',
};

type Step = { name: 'scan' } | { name: 'preview'; voucher: VoucherPreview } | { name: 'done'; result: WriteOffResult };

/** Voucher write-off: scan -> preview (who, what, valid?) -> write off, at most once per voucher. */
export default function StaffVoucherPage() {
  useStaffGuard(SELF);
  const [step, setStep] = useState<Step>({ name: 'scan' });
  const [busy, setBusy] = useState(false);

  const onCode = async (code: string) => {
    setBusy(true);
    try {
      setStep({ name: 'preview', voucher: await previewVoucher(code) });
    } catch (e) {
      handleStaffError(e, SELF);
    } finally {
      setBusy(false);
    }
  };

  const writeOff = async (v: VoucherPreview) => {
    if (!(await confirm('核销', `确认核销「${v.title}」？核销后不可撤销`))) return;
    setBusy(true);
    try {
      setStep({ name: 'done', result: await writeOffVoucher(v.code) });
    } catch (e) {
      handleStaffError(e, SELF);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page">
      {step.name === 'scan' && (
        <View className="section">
          <View className="section-title">扫描券码</View>
          <ScanInput
            placeholder="或输入券码"
            onCode={(c) => void onCode(c)}
            disabled={busy}
            allowed={/^[A-Za-z0-9_-]{4,64}$/}
          />
          <Text
            className="muted"
            style={{ display: 'block', marginTop: '12px', textAlign: 'center' }}
            onClick={() => void Taro.redirectTo({ url: ROUTES.staffCheckout })}
          >
            积分收银 ›
          </Text>
        </View>
      )}
      {step.name === 'preview' && (
        <View className="section" data-testid="voucher-preview">
          <View className="section-title">{step.voucher.title}</View>
          <Text className="muted">
            会员 {step.voucher.memberMaskedName} · 有效期至 {formatDate(step.voucher.validUntil)}
          </Text>
          <View style={{ margin: '12px 0' }}>
            <Text>{STATUS_TEXT[step.voucher.status]}</Text>
          </View>
          <Button
            className="btn-primary"
            disabled={step.voucher.status !== 'unused' || busy}
            loading={busy}
            onClick={() => void writeOff((step as { voucher: VoucherPreview }).voucher)}
          >
            核销
          </Button>
          <Button style={{ marginTop: '12px' }} onClick={() => setStep({ name: 'scan' })}>
            重新扫码
          </Button>
        </View>
      )}
      {step.name === 'done' && (
        <View className="section" data-testid="voucher-done">
          <View className="section-title">核销成功</View>
          <Text className="muted">
            {step.result.title} · {formatDateTime(step.result.redeemedAt)}
          </Text>
          <Button className="btn-primary" style={{ marginTop: '16px' }} onClick={() => setStep({ name: 'scan' })}>
            继续核销
          </Button>
        </View>
      )}
    </View>
  );
}
