import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { JobName } from '@huiyuan/shared';
import { api, when } from '../api';

type Run = ResponseFor<'adminJobRuns'>['items'][number];

const NAMES: Record<string, string> = {
  birthday: '生日礼',
  points_expiry: '积分过期',
  points_pending_release: '待到账积分释放',
  voucher_expiry: '券过期',
  tier_evaluation: '等级评估',
  churn: '流失触达',
  alerts: '运营预警',
  segments: 'RFM 分群',
  referral_settle: '邀请结算',
  outbox: '消息投递',
  checkin_reminder: '签到提醒',
  gift_monthly_pack: '月度礼包',
  gift_grants: '礼遇发放',
  retention: '数据保留清理',
  rollups: '看板汇总',
  membership_expiry: '付费会员到期',
  membership_packs: '付费会员月礼包',
};
const FAILED = new Set(['failed', 'lease_lost', 'stopped']);

/** Scheduled jobs: the last run of each, failures, run history, and "run now". */
export function Jobs() {
  const [runs, setRuns] = useState<Run[]>([]);
  const [failures, setFailures] = useState<Run[]>([]);
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState('');
  const [msg, setMsg] = useState('');

  const load = async (more: string | null) => {
    const q = new URLSearchParams({ limit: '100' });
    if (filter) q.set('job', filter);
    if (more) q.set('cursor', more);
    const page = await api<ResponseFor<'adminJobRuns'>>('GET', `/api/admin/jobs/runs?${q}`);
    setRuns((xs) => (more ? [...xs, ...page.items] : page.items));
    setCursor(page.nextCursor);
    if (!more && !filter) setFailures(page.items.filter((r) => FAILED.has(r.status)));
  };
  // A new filter starts the history again (load reads it).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(null).catch((e) => setMsg(e.message)), [filter]);

  const run = async (name: string) => {
    setBusy(name);
    setMsg('');
    try {
      const r = await api<ResponseFor<'adminRunJob'>>('POST', `/api/admin/jobs/${name}/run`);
      setMsg(`${NAMES[name] ?? name}：${r.status}，处理 ${r.processed} 条`);
      await load(null);
    } catch (e) {
      setMsg((e as Error).message);
    } finally {
      setBusy('');
    }
  };
  const last = (name: string) => runs.find((r) => r.job === name);

  return (
    <div>
      {msg && (
        <div className="card msg" data-msg="job">
          {msg}
        </div>
      )}
      <div className="card">
        <h3>任务</h3>
        <table>
          <thead>
            <tr>
              <th>任务</th>
              <th>最近一次</th>
              <th>状态</th>
              <th>处理</th>
              <th>触发</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {JobName.options.map((name) => {
              const r = last(name);
              return (
                <tr key={name} data-job={name}>
                  <td>
                    {NAMES[name] ?? name} <span className="muted">{name}</span>
                  </td>
                  <td>{r ? when(r.startedAt) : <span className="muted">近期未运行</span>}</td>
                  <td className={r && FAILED.has(r.status) ? 'error' : ''}>{r?.status ?? ''}</td>
                  <td>{r?.processed ?? ''}</td>
                  <td>{r?.triggeredBy ?? ''}</td>
                  <td>
                    <button disabled={busy !== ''} onClick={() => run(name)}>
                      {busy === name ? '运行中…' : '立即运行'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {failures.length > 0 && (
        <div className="card">
          <h3 className="error">最近失败</h3>
          <RunTable runs={failures} />
        </div>
      )}
      <div className="card">
        <div className="row">
          <h3>运行记录</h3>
          <select value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="">全部任务</option>
            {JobName.options.map((n) => (
              <option key={n} value={n}>
                {NAMES[n] ?? n}
              </option>
            ))}
          </select>
        </div>
        <RunTable runs={runs} />
        {cursor && (
          <button className="ghost" onClick={() => load(cursor).catch((e) => setMsg(e.message))}>
            加载更多
          </button>
        )}
      </div>
    </div>
  );
}

function RunTable({ runs }: { runs: Run[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>任务</th>
          <th>批次</th>
          <th>状态</th>
          <th>处理</th>
          <th>开始</th>
          <th>结束</th>
          <th>触发</th>
          <th>详情</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td>{NAMES[r.job] ?? r.job}</td>
            <td className="small">{r.runKey}</td>
            <td className={FAILED.has(r.status) ? 'error' : ''}>{r.status}</td>
            <td>{r.processed}</td>
            <td>{when(r.startedAt)}</td>
            <td>{when(r.finishedAt)}</td>
            <td>{r.triggeredBy}</td>
            <td className="small">
              <code>{r.detail ? JSON.stringify(r.detail).slice(0, 160) : ''}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
