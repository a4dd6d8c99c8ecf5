import { useEffect, useRef } from 'react';
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

/** Small stat card; `delta` is the change against the previous period (ratio), shown with its sign. */
export function Stat({ k, v, delta }: { k: string; v: string | number; delta?: number | null }) {
  return (
    <div className="stat">
      <div className="k">{k}</div>
      <div className="v">{v}</div>
      {delta !== undefined && (
        <div className={`d ${delta === null ? 'muted' : delta >= 0 ? 'up' : 'down'}`}>
          {delta === null ? '上期无数据' : `${delta >= 0 ? '▲' : '▼'} ${(Math.abs(delta) * 100).toFixed(1)}% 环比`}
        </div>
      )}
    </div>
  );
}

const COLORS = ['#3370ff', '#f5a623', '#2ea121', '#d83931', '#8e44ad'];

/** A chart.js line (or bar) chart: one dataset per series over shared labels. */
export function TrendChart({
  labels,
  series,
  kind = 'line',
  height = 220,
}: {
  labels: string[];
  series: { label: string; data: number[] }[];
  kind?: 'line' | 'bar';
  height?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, {
      type: kind,
      data: {
        labels,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.data,
          borderColor: COLORS[i % COLORS.length],
          backgroundColor: COLORS[i % COLORS.length],
          tension: 0.25,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: { y: { beginAtZero: true, suggestedMax: 1 } },
      },
    });
    return () => chart.destroy();
  }, [labels, series, kind]);
  return (
    <div style={{ height }}>
      <canvas ref={ref} />
    </div>
  );
}
