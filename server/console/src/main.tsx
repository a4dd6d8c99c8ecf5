import { useEffect, useState } from 'react';
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
import { Membership } from './pages/Membership';
import { Benefits } from './pages/Benefits';
import { Vouchers } from './pages/Vouchers';
import { Jobs } from './pages/Jobs';
import { Refunds } from './pages/Refunds';
import { Simulate } from './pages/Simulate';
import { MemberDetail } from './pages/MemberDetail';

const PAGES = {
  dashboard: ['数据看板', Dashboard],
  members: ['会员查询', Members],
  benefits: ['积分商城', Benefits],
  vouchers: ['券查询', Vouchers],
  refunds: ['退款', Refunds],
  gifts: ['礼遇规则', Gifts],
  membership: ['付费会员', Membership],
  segments: ['分群与流失', Segments],
  alerts: ['预警与消息', Alerts],
  simulate: ['规则模拟', Simulate],
  settings: ['规则配置', Settings],
  jobs: ['定时任务', Jobs],
  people: ['门店与员工', People],
  audit: ['审计日志', Audit],
} as const;
type Page = keyof typeof PAGES;

/** `#benefits`, `#settings/points.earning`, `#member/42`: the page, and what follows the slash. */
function route(): { page: Page | 'member'; arg: string } {
  const [head, arg = ''] = location.hash.slice(1).split('/');
  if (head === 'member' && arg) return { page: 'member', arg };
  return { page: head in PAGES ? (head as Page) : 'dashboard', arg };
}

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
  const [{ page, arg }, setRoute] = useState(route);
  useEffect(() => {
    const on = () => setRoute(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  if (!authed || !session.token) return <Login onDone={() => setAuthed(true)} />;
  const Current = page === 'member' ? null : PAGES[page][1];
  return (
    <>
      <header>
        <b>会员运营后台</b>
        <nav>
          {(Object.keys(PAGES) as Page[]).map((k) => (
            <a key={k} className={k === page ? 'on' : ''} href={`#${k}`}>
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
      <main data-page={page}>{Current ? <Current /> : <MemberDetail key={arg} id={arg} />}</main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
