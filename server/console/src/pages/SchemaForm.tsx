/**
 * A form generated from a JSON Schema (made from the shared zod contract with z.toJSONSchema):
 * objects become field groups, arrays lists with add/remove, enums selects, nullable fields a
 * "not set" switch. `errors` maps dotted paths (`tiers.0.name`) to a message shown beside the field.
 */
export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
};
type Props = {
  schema: Schema;
  value: unknown;
  path: string;
  label: string;
  errors: Record<string, string>;
  onChange: (v: unknown) => void;
};

const variants = (s: Schema) => s.anyOf ?? s.oneOf;

/** Names for the field keys the settings share; others show their key. */
const NAMES: Record<string, string> = {
  code: '代码',
  name: '名称',
  title: '标题',
  body: '正文',
  version: '版本',
  enabled: '启用',
  days: '天数',
  points: '积分',
  tiers: '等级',
  minGrowth: '成长值门槛',
  multiplierPercent: '倍率 %',
  benefits: '权益',
  birthdayGiftPoints: '生日礼积分',
  windowMonths: '统计周期（月）',
  graceDays: '降级宽限（天）',
  growthPerYuan: '每元成长值',
  weekdays: '每周几',
  monthDays: '每月几号',
  hour: '小时',
  stages: '阶段',
  primaryColor: '主色',
  accentColor: '辅色',
  logoUrl: '标志图片地址',
  cardBackgroundUrl: '卡面图片地址',
};
const nameOf = (k: string) => (NAMES[k] ? `${NAMES[k]} · ${k}` : k);
const isLeaf = (s: Schema) => !variants(s) && typeOf(s) !== 'object' && typeOf(s) !== 'array';
const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** A starting value for a new list item or a field switched on. */
export function blank(s: Schema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const vs = variants(s);
  if (vs) return vs.some((v) => v.type === 'null') ? null : blank(vs[0]);
  switch (typeOf(s)) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, blank(p)]));
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return s.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}

function Err({ errors, path }: { errors: Record<string, string>; path: string }) {
  return errors[path] ? (
    <em className="error" data-error-for={path}>
      {errors[path]}
    </em>
  ) : null;
}

export function SchemaField({ schema, value, path, label, errors, onChange }: Props) {
  const vs = variants(schema);
  if (vs) {
    const nonNull = vs.filter((v) => v.type !== 'null');
    if (nonNull.length === 1) {
      const off = value === null || value === undefined;
      return (
        <div className="field nullable">
          <label className="check">
            <input
              type="checkbox"
              checked={!off}
              onChange={(e) => onChange(e.target.checked ? blank(nonNull[0]) : null)}
            />
            <span>{label}</span>
          </label>
          {off ? (
            <span className="muted">未设置</span>
          ) : (
            <SchemaField {...{ schema: nonNull[0], value, path, errors, onChange }} label="" />
          )}
          <Err errors={errors} path={path} />
        </div>
      );
    }
    // A union of shapes: the one whose constant fields match the value, chosen with a select.
    const fits = (v: Schema) =>
      Object.entries(v.properties ?? {}).every(
        ([k, p]) => p.const === undefined || (value as Record<string, unknown> | null)?.[k] === p.const,
      ) &&
      (typeOf(v) !== 'object' || (typeof value === 'object' && value !== null));
    const at = Math.max(0, nonNull.findIndex(fits));
    return (
      <fieldset className="group">
        <legend>{label}</legend>
        <select value={at} onChange={(e) => onChange(blank(nonNull[Number(e.target.value)]))}>
          {nonNull.map((v, i) => (
            <option key={i} value={i}>
              {v.description ??
                Object.values(v.properties ?? {})
                  .find((p) => p.const !== undefined)
                  ?.const?.toString() ??
                `方式 ${i + 1}`}
            </option>
          ))}
        </select>
        <SchemaField {...{ schema: nonNull[at], value, path, errors, onChange }} label="" />
      </fieldset>
    );
  }
  const t = typeOf(schema);
  const hint = schema.description ? <small className="muted">{schema.description}</small> : null;
  if (t === 'object') {
    const obj = (value ?? {}) as Record<string, unknown>;
    const props = Object.entries(schema.properties ?? {});
    const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : null;
    return (
      <fieldset className={label ? 'group' : 'group bare'}>
        {label && <legend>{label}</legend>}
        {hint}
        <Err errors={errors} path={path} />
        {props.map(([k, p]) => (
          <SchemaField
            key={k}
            schema={p}
            value={obj[k]}
            path={path ? `${path}.${k}` : k}
            label={nameOf(k)}
            errors={errors}
            onChange={(v) => onChange({ ...obj, [k]: v })}
          />
        ))}
        {extra && !props.length && (
          <>
            {Object.entries(obj).map(([k, v]) => (
              <div className="row" key={k}>
                <input
                  className="narrow"
                  value={k}
                  onChange={(e) =>
                    onChange(
                      Object.fromEntries(Object.entries(obj).map(([kk, vv]) => [kk === k ? e.target.value : kk, vv])),
                    )
                  }
                />
                <SchemaField
                  schema={extra}
                  value={v}
                  path={path ? `${path}.${k}` : k}
                  label=""
                  errors={errors}
                  onChange={(nv) => onChange({ ...obj, [k]: nv })}
                />
                <button
                  className="ghost"
                  onClick={() => onChange(Object.fromEntries(Object.entries(obj).filter(([kk]) => kk !== k)))}
                >
                  删除
                </button>
              </div>
            ))}
            <button
              className="ghost"
              onClick={() => onChange({ ...obj, [`key${Object.keys(obj).length + 1}`]: blank(extra) })}
            >
              添加
            </button>
          </>
        )}
      </fieldset>
    );
  }
  if (t === 'array') {
    const list = Array.isArray(value) ? value : [];
    const item = schema.items ?? {};
    return (
      <fieldset className="group list">
        <legend>{label}</legend>
        {hint}
        <Err errors={errors} path={path} />
        {list.map((v, i) => (
          <div className={isLeaf(item) ? 'item leaf' : 'item'} key={i}>
            <SchemaField
              schema={item}
              value={v}
              path={`${path}.${i}`}
              label={`#${i + 1}`}
              errors={errors}
              onChange={(nv) => onChange(list.map((x, j) => (j === i ? nv : x)))}
            />
            <button className="ghost" onClick={() => onChange(list.filter((_, j) => j !== i))}>
              删除
            </button>
          </div>
        ))}
        <button className="ghost" onClick={() => onChange([...list, blank(item)])}>
          添加一项
        </button>
      </fieldset>
    );
  }
  let input;
  if (schema.const !== undefined) input = <code>{String(schema.const)}</code>;
  else if (schema.enum)
    input = (
      <select
        name={path}
        value={String(value ?? '')}
        onChange={(e) => onChange(schema.enum!.find((x) => String(x) === e.target.value))}
      >
        {schema.enum.map((x) => (
          <option key={String(x)} value={String(x)}>
            {String(x)}
          </option>
        ))}
      </select>
    );
  else if (t === 'boolean')
    input = <input name={path} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  else if (t === 'number' || t === 'integer')
    input = (
      <input
        name={path}
        type="number"
        min={schema.minimum}
        max={schema.maximum}
        step={t === 'integer' ? 1 : 'any'}
        value={typeof value === 'number' ? value : String(value ?? '')}
        // An emptied box stays empty (and fails validation) rather than turning into 0.
        onChange={(e) => onChange(e.target.value === '' ? '' : Number(e.target.value))}
      />
    );
  else if ((schema.maxLength ?? 0) > 200)
    input = (
      <textarea name={path} rows={4} cols={60} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
    );
  else input = <input name={path} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />;
  return (
    <label className={`field${t === 'boolean' ? ' check' : ''}${errors[path] ? ' invalid' : ''}`}>
      {label && <span title={schema.description}>{label}</span>}
      {input}
      {hint}
      <Err errors={errors} path={path} />
    </label>
  );
}
