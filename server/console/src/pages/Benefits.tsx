import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, ApiError, fieldErrors, when } from '../api';
import { EMPTY, fieldsOf, toLocal, type Benefit, type Draft } from './benefit-draft';

/** The points mall catalogue: create, edit (texts, image, visibility window, member-day flag), stock top-up, hide/show. */
export function Benefits() {
  const [items, setItems] = useState<Benefit[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  // The benefit as it was when editing began: an edit sends only what changed.
  const [orig, setOrig] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState('');
  const [topUp, setTopUp] = useState<Record<string, string>>({});
  const load = () =>
    api<ResponseFor<'adminListBenefits'>>('GET', '/api/admin/benefits').then(
      (r) => setItems(r.items as Benefit[]),
      (e) => setMsg(e.message),
    );
  useEffect(() => void load(), []);

  const edit = (b: Benefit) => {
    const d: Draft = {
      ...EMPTY,
      id: b.id,
      title: b.title,
      description: b.description,
      kind: b.kind,
      costPoints: String(b.costPoints),
      perMemberLimit: String(b.perMemberLimit),
      visibleFrom: toLocal(b.visibleFrom),
      visibleUntil: toLocal(b.visibleUntil),
      memberDayOnly: b.memberDayOnly,
      paidMembersOnly: b.paidMembersOnly ?? false,
      imageUrl: b.imageUrl ?? null,
    };
    setErrors({});
    setDraft(d);
    setOrig(fieldsOf(d));
  };

  const upload = async (file: File | undefined) => {
    if (!file || !draft) return;
    setMsg('上传中…');
    try {
      const r = await api<{ id: string; url: string }>('POST', '/api/admin/images', file);
      setDraft({ ...draft, imageId: r.id, imageUrl: r.url });
      setMsg('图片已上传，保存后生效');
    } catch (e) {
      setMsg((e as Error).message);
    }
  };

  const save = async () => {
    if (!draft) return;
    setErrors({});
    setMsg('');
    const common = fieldsOf(draft);
    const changed = Object.fromEntries(Object.entries(common).filter(([k, v]) => orig[k] !== v));
    try {
      if (draft.id) {
        if (Object.keys(changed).length === 0) {
          setMsg('没有修改');
          return;
        }
        await api('PATCH', `/api/admin/benefits/${draft.id}`, changed);
      } else
        await api('POST', '/api/admin/benefits', {
          ...common,
          kind: draft.kind,
          costPoints: Number(draft.costPoints),
          stock: Number(draft.stock),
          validDays: Number(draft.validDays),
        });
      setMsg(draft.id ? '已保存' : '已创建');
      setDraft(null);
      await load();
    } catch (e) {
      if (e instanceof ApiError) setErrors(fieldErrors(e.details, 'body'));
      setMsg((e as Error).message);
    }
  };

  const patch = (b: Benefit, body: object, done: string) =>
    api('PATCH', `/api/admin/benefits/${b.id}`, body).then(
      () => (setMsg(done), load()),
      (e) => setMsg(e.message),
    );
  const addStock = (b: Benefit) =>
    api('POST', `/api/admin/benefits/${b.id}/stock`, { add: Number(topUp[b.id]) }).then(
      () => (setMsg(`已补充库存：${b.title}`), setTopUp({ ...topUp, [b.id]: '' }), load()),
      (e) => setMsg(e.message),
    );

  const field = (label: string, key: keyof Draft, props: Record<string, unknown> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={key}
        value={String(draft![key] ?? '')}
        onChange={(e) => setDraft({ ...draft!, [key]: e.target.value })}
        {...props}
      />
      {errors[key] && <em className="error">{errors[key]}</em>}
    </label>
  );

  return (
    <div>
      <div className="card row">
        <button onClick={() => (setErrors({}), setOrig({}), setDraft({ ...EMPTY }))}>新建权益</button>
        {msg && <span className="msg">{msg}</span>}
      </div>
      {draft && (
        <div className="card form" data-form="benefit">
          <h3>{draft.id ? `编辑权益 #${draft.id}` : '新建权益'}</h3>
          <div className="cols">
            {field('名称', 'title')}
            {field('说明', 'description')}
            {!draft.id && (
              <label className="field">
                <span>类型</span>
                <select
                  value={draft.kind}
                  onChange={(e) => setDraft({ ...draft, kind: e.target.value as Draft['kind'] })}
                >
                  <option value="voucher">兑换券</option>
                  <option value="coupon">优惠券</option>
                  <option value="gift">礼品</option>
                </select>
              </label>
            )}
            {!draft.id && field('所需积分', 'costPoints', { type: 'number', min: 0 })}
            {!draft.id && field('初始库存', 'stock', { type: 'number', min: 0 })}
            {!draft.id && field('券有效天数', 'validDays', { type: 'number', min: 0 })}
            {field('每人限兑（0 不限）', 'perMemberLimit', { type: 'number', min: 0 })}
            {field('上架时间', 'visibleFrom', { type: 'datetime-local' })}
            {field('下架时间', 'visibleUntil', { type: 'datetime-local' })}
            <label className="field check">
              <input
                type="checkbox"
                name="memberDayOnly"
                checked={draft.memberDayOnly}
                onChange={(e) => setDraft({ ...draft, memberDayOnly: e.target.checked })}
              />
              <span>仅会员日可兑</span>
            </label>
            <label className="field check">
              <input
                type="checkbox"
                name="paidMembersOnly"
                checked={draft.paidMembersOnly}
                onChange={(e) => setDraft({ ...draft, paidMembersOnly: e.target.checked })}
              />
              <span>付费会员专享</span>
            </label>
            <label className="field">
              <span>图片（PNG/JPEG/WebP，≤5 MB）</span>
              <input
                type="file"
                name="image"
                accept="image/png,image/jpeg,image/webp"
                onChange={(e) => void upload(e.target.files?.[0])}
              />
              {errors.imageId && <em className="error">{errors.imageId}</em>}
            </label>
            {draft.imageUrl && (
              <div>
                <img className="thumb" alt="权益图片" src={draft.imageUrl} />
                <button className="ghost" onClick={() => setDraft({ ...draft, imageId: null, imageUrl: null })}>
                  移除图片
                </button>
              </div>
            )}
          </div>
          <div className="row">
            <button onClick={save}>保存</button>
            <button className="ghost" onClick={() => setDraft(null)}>
              取消
            </button>
          </div>
        </div>
      )}
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>图片</th>
              <th>名称</th>
              <th>积分</th>
              <th>库存（剩余/总）</th>
              <th>已发 / 已核销</th>
              <th>展示时间</th>
              <th>状态</th>
              <th>补库存</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.id} data-benefit={b.title}>
                <td>
                  {b.imageUrl ? (
                    <img className="thumb small" alt="" src={b.imageUrl} />
                  ) : (
                    <span className="muted">无</span>
                  )}
                </td>
                <td>
                  {b.title}
                  {b.memberDayOnly && <span className="tag">会员日</span>}
                  {b.paidMembersOnly && <span className="tag">付费会员</span>}
                  {b.minTier && <span className="tag">{b.minTier.name}+</span>}
                </td>
                <td>{b.costPoints}</td>
                <td>
                  {b.stockLeft} / {b.stockTotal}
                </td>
                <td>
                  {b.issued} / {b.writtenOff}
                </td>
                <td className="small">
                  {when(b.visibleFrom ?? null)} ~ {when(b.visibleUntil)}
                </td>
                <td>{b.status === 'active' ? '上架' : '隐藏'}</td>
                <td>
                  <input
                    className="narrow"
                    type="number"
                    min={1}
                    placeholder="+数量"
                    value={topUp[b.id] ?? ''}
                    onChange={(e) => setTopUp({ ...topUp, [b.id]: e.target.value })}
                  />
                  <button className="ghost" disabled={!(Number(topUp[b.id]) > 0)} onClick={() => addStock(b)}>
                    补充
                  </button>
                </td>
                <td className="actions">
                  <button className="ghost" onClick={() => edit(b)}>
                    编辑
                  </button>
                  <button
                    className="ghost"
                    onClick={() =>
                      patch(
                        b,
                        { status: b.status === 'active' ? 'hidden' : 'active' },
                        b.status === 'active' ? '已隐藏' : '已上架',
                      )
                    }
                  >
                    {b.status === 'active' ? '隐藏' : '上架'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
