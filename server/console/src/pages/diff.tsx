/** Before/after of an audit entry, one row per changed field (nested objects flattened to a.b.c paths). */
function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    if (Object.keys(v).length === 0 && prefix) out[prefix] = '{}';
  } else if (Array.isArray(v) && v.every((x) => x !== null && typeof x === 'object')) {
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
    if (v.length === 0) out[prefix] = '[]';
  } else if (prefix || v !== null) {
    out[prefix || '值'] = v === undefined ? '' : JSON.stringify(v);
  }
  return out;
}

export function changedFields(before: unknown, after: unknown) {
  const b = flatten(before);
  const a = flatten(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  // With both sides, only what changed; with one side (a creation, a one-off action), every field.
  const both = before != null && after != null;
  return keys.filter((k) => !both || b[k] !== a[k]).map((k) => ({ field: k, before: b[k], after: a[k] }));
}

export function Diff({ before, after }: { before: unknown; after: unknown }) {
  const rows = changedFields(before, after);
  if (rows.length === 0) return <span className="muted">无字段变化</span>;
  return (
    <table className="diff">
      <tbody>
        {rows.map((r) => (
          <tr key={r.field}>
            <td className="f">{r.field}</td>
            <td className={r.before === undefined ? '' : 'b'}>{r.before ?? ''}</td>
            <td className="arrow">→</td>
            <td className={r.after === undefined ? '' : 'a'}>{r.after ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
