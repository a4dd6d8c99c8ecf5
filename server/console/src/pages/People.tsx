import { useEffect, useState } from 'react';
import type { BodyFor, ResponseFor, StaffRole } from '@huiyuan/shared';
import { api } from '../api';

const ROLES: Record<StaffRole, string> = { staff: '店员', manager: '店长', operator: '运营' };

export function People() {
  const [stores, setStores] = useState<ResponseFor<'adminListStores'>['items']>([]);
  const [staff, setStaff] = useState<ResponseFor<'adminListStaff'>['items']>([]);
  const [msg, setMsg] = useState('');
  const [store, setStore] = useState({ code: '', name: '' });
  const [acct, setAcct] = useState({
    username: '',
    password: '',
    displayName: '',
    role: 'staff' as StaffRole,
    storeId: '',
  });
  const load = async () => {
    setStores((await api<ResponseFor<'adminListStores'>>('GET', '/api/admin/stores')).items);
    setStaff((await api<ResponseFor<'adminListStaff'>>('GET', '/api/admin/staff')).items);
  };
  useEffect(() => {
    load().catch((e) => setMsg(e.message));
  }, []);
  const act = (f: () => Promise<unknown>, done: string) =>
    f()
      .then(() => {
        setMsg(done);
        return load();
      })
      .catch((e) => setMsg(e.message));

  return (
    <div>
      {msg && <div className="card">{msg}</div>}
      <div className="card">
        <h3>门店</h3>
        <table>
          <thead>
            <tr>
              <th>代码</th>
              <th>名称</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {stores.map((s) => (
              <tr key={s.id}>
                <td>{s.code}</td>
                <td>{s.name}</td>
                <td>{s.status === 'active' ? '营业' : '停用'}</td>
                <td>
                  <button
                    className="ghost"
                    onClick={() =>
                      act(
                        () =>
                          api('PATCH', `/api/admin/stores/${s.id}`, {
                            status: s.status === 'active' ? 'disabled' : 'active',
                          } satisfies BodyFor<'adminPatchStore'>),
                        '门店已更新',
                      )
                    }
                  >
                    {s.status === 'active' ? '停用' : '启用'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <input
            placeholder="门店代码 如 SH002"
            value={store.code}
            onChange={(e) => setStore({ ...store, code: e.target.value })}
          />
          <input
            placeholder="门店名称"
            value={store.name}
            onChange={(e) => setStore({ ...store, name: e.target.value })}
          />
          <button
            onClick={() =>
              act(() => api('POST', '/api/admin/stores', store satisfies BodyFor<'adminCreateStore'>), '门店已创建')
            }
          >
            新建门店
          </button>
        </div>
      </div>
      <div className="card">
        <h3>员工账号</h3>
        <table>
          <thead>
            <tr>
              <th>用户名</th>
              <th>姓名</th>
              <th>角色</th>
              <th>门店</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <td>{s.username}</td>
                <td>{s.displayName}</td>
                <td>{ROLES[s.role]}</td>
                <td>{stores.find((x) => x.id === s.storeId)?.name ?? '—'}</td>
                <td>{s.status === 'active' ? '启用' : '停用'}</td>
                <td className="row">
                  <button
                    className="ghost"
                    onClick={() =>
                      act(
                        () =>
                          api('PATCH', `/api/admin/staff/${s.id}`, {
                            status: s.status === 'active' ? 'disabled' : 'active',
                          } satisfies BodyFor<'adminPatchStaff'>),
                        '账号已更新，原登录已失效',
                      )
                    }
                  >
                    {s.status === 'active' ? '停用' : '启用'}
                  </button>
                  <button
                    className="ghost"
                    onClick={() => {
                      const p = prompt('新密码（至少 8 位）');
                      if (p)
                        void act(
                          () =>
                            api('POST', `/api/admin/staff/${s.id}/password`, {
                              password: p,
                            } satisfies BodyFor<'adminResetPassword'>),
                          '密码已重置',
                        );
                    }}
                  >
                    重置密码
                  </button>
                  <button
                    className="ghost"
                    onClick={() => act(() => api('POST', `/api/admin/staff/${s.id}/unlock`), '登录锁定已解除')}
                  >
                    解除锁定
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <input
            placeholder="用户名"
            value={acct.username}
            onChange={(e) => setAcct({ ...acct, username: e.target.value })}
          />
          <input
            placeholder="初始密码"
            type="password"
            value={acct.password}
            onChange={(e) => setAcct({ ...acct, password: e.target.value })}
          />
          <input
            placeholder="姓名"
            value={acct.displayName}
            onChange={(e) => setAcct({ ...acct, displayName: e.target.value })}
          />
          <select value={acct.role} onChange={(e) => setAcct({ ...acct, role: e.target.value as StaffRole })}>
            {Object.entries(ROLES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <select value={acct.storeId} onChange={(e) => setAcct({ ...acct, storeId: e.target.value })}>
            <option value="">（运营无门店）</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button
            onClick={() =>
              act(
                () =>
                  api('POST', '/api/admin/staff', {
                    ...acct,
                    storeId: acct.storeId || null,
                  } satisfies BodyFor<'adminCreateStaff'>),
                '账号已创建',
              )
            }
          >
            新建账号
          </button>
        </div>
      </div>
    </div>
  );
}
