import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api, session } from './api';
import { Dashboard } from './pages/Dashboard';
import { Settings } from './pages/Settings';
import { People } from './pages/People';
import { Members } from './pages/Members';
import { Segments } from './pages/Segments';
import { Audit } from './pages/Audit';
import { Alerts, InboxBadge } from './pages/Alerts';
import { Gifts } from './pages/Gifts';

const PAGES = {
  dashboard: ['数据看板', Dashboard],
  settings: ['规则配置', Settings],
  members: ['会员查询', Members],
  people: ['门店与员工', People],
  segments: ['分群与流失', Segments],
  gifts: ['礼遇规则', Gifts],
  alerts: ['预警与消息', Alerts],
  audit: ['审计日志', Audit],
} as const;
type Page = keyof typeof PAGES;

function Login({ onDone }: { onDone: () => void }) {
  const [u, setU] = useState('');
  const [p, setP] = useState('');
  const [err, setErr] = useState('');
  const submit = async () => {
    setErr('');
    try {
      const r = await api<ResponseFor<'staffLogin'>>('POST', '/api/staff/login', {
        username: u,
        password: p,
      } satisfies BodyFor<'staffLogin'>);
      if (r.role !== 'operator') {
        setErr('仅运营账号可以登录后台');
        return;
      }
      session.set(r.token);
      onDone();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div className="card login">
      <h2>会员运营后台</h2>
      <input name="username" placeholder="用户名" value={u} onChange={(e) => setU(e.target.value)} />
      <input
        name="password"
        placeholder="密码"
        type="password"
        value={p}
        onChange={(e) => setP(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && submit()}
      />
      <button onClick={submit}>登录</button>
      {err && <div className="error">{err}</div>}
    </div>
  );
}

function App() {
  const [authed, setAuthed] = useState(!!session.token);
  const [page, setPage] = useState<Page>(
    (location.hash.slice(1) as Page) in PAGES ? (location.hash.slice(1) as Page) : 'dashboard',
  );
  if (!authed || !session.token) return <Login onDone={() => setAuthed(true)} />;
  const Current = PAGES[page][1];
  return (
    <>
      <header>
        <b>会员运营后台</b>
        <nav>
          {(Object.keys(PAGES) as Page[]).map((k) => (
            <a
              key={k}
              className={k === page ? 'on' : ''}
              onClick={() => {
                location.hash = k;
                setPage(k);
              }}
            >
              {PAGES[k][0]}
              {k === 'alerts' && <InboxBadge />}
            </a>
          ))}
        </nav>
        <a
          className="who"
          onClick={() => {
            session.clear();
            setAuthed(false);
          }}
        >
          退出
        </a>
      </header>
      <main>
        <Current />
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
