/** Small SVG charts: enough for a dashboard, no chart library in the bundle. */
export function Bars({
  data,
  height = 160,
  format = (n: number) => String(n),
}: {
  data: { label: string; value: number }[];
  height?: number;
  format?: (n: number) => string;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const w = 64;
  return (
    <svg width={Math.max(200, data.length * w)} height={height + 36} role="img">
      {data.map((d, i) => {
        const h = Math.round((d.value / max) * height);
        return (
          <g key={d.label} transform={`translate(${i * w + 8}, 0)`}>
            <rect x={0} y={height - h + 14} width={w - 20} height={h} fill="#3370ff" rx={3} />
            <text x={(w - 20) / 2} y={height - h + 10} textAnchor="middle">
              {format(d.value)}
            </text>
            <text x={(w - 20) / 2} y={height + 30} textAnchor="middle">
              {d.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function Stat({ k, v }: { k: string; v: string | number }) {
  return (
    <div className="stat">
      <div className="k">{k}</div>
      <div className="v">{v}</div>
    </div>
  );
}
