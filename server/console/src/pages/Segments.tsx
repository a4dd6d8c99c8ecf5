import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, session } from '../api';
import { ChurnStages } from './Churn';

const NAMES: Record<string, string> = {
  champion: '高价值',
  loyal: '忠诚',
  promising: '潜力',
  at_risk: '流失风险',
  hibernating: '沉睡',
  needs_attention: '需关注',
  prospect: '未消费',
};

/** CSV downloads go through fetch so the token stays in a header, never in a URL. */
async function download(path: string, name: string) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${session.token}` } });
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}

export function Segments() {
  const [data, setData] = useState<ResponseFor<'adminSegments'> | null>(null);
  const [msg, setMsg] = useState('');
  const load = () =>
    api<ResponseFor<'adminSegments'>>('GET', '/api/admin/segments').then(setData, (e) => setMsg(e.message));
  useEffect(() => {
    void load();
  }, []);
  return (
    <div>
      <div className="card row">
        <button
          onClick={() =>
            api<ResponseFor<'adminComputeSegments'>>('POST', '/api/admin/segments/compute').then(
              (r) => {
                setMsg(`已计算 ${r.members} 位会员，用时 ${r.tookMs} ms`);
                return load();
              },
              (e) => setMsg(e.message),
            )
          }
        >
          立即计算 RFM 分群
        </button>
        <span className="muted">
          每晚自动计算；上次：{data?.computedAt ? new Date(data.computedAt).toLocaleString('zh-CN') : '尚未计算'}
        </span>
      </div>
      {msg && <div className="card">{msg}</div>}
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>分群</th>
              <th>会员数</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data?.segments.map((s) => (
              <tr key={s.segment}>
                <td>{NAMES[s.segment] ?? s.segment}</td>
                <td>{s.members}</td>
                <td>
                  <button
                    className="ghost"
                    onClick={() =>
                      download(
                        `/api/admin/segments/${s.segment}/members?format=csv&limit=100000`,
                        `segment-${s.segment}.csv`,
                      )
                    }
                  >
                    导出 CSV
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card row">
        <b>流失预警名单</b>
        {[30, 60, 90].map((d) => (
          <button
            key={d}
            className="ghost"
            onClick={() => download(`/api/admin/churn?days=${d}&format=csv&limit=100000`, `inactive-${d}-days.csv`)}
          >
            {d} 天未活跃
          </button>
        ))}
      </div>
      <ChurnStages />
    </div>
  );
}
