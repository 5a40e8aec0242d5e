/**
 * Runs per slot, succeeded and failed, drawn with uPlot (1.6.32).  Chosen over ECharts and Recharts for size and
 * speed: ~50 KB minified with no dependencies (ECharts is ~1 MB, Recharts pulls in d3 and re-renders through React),
 * and it draws thousands of points on one canvas in a few milliseconds.  The Health page is loaded lazily, so the
 * editor's bundle carries none of it.
 */
import type { SeriesPoint } from '@pipewright/operations';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './health.css';

export function RunsChart({ series, slotMs, testId }: { series: SeriesPoint[]; slotMs: number; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { label: slotMs === 60_000 ? 'runs / min' : 'runs / hour' }],
        series: [
          {},
          { label: 'Succeeded', stroke: '#2f9e44', fill: 'rgba(47, 158, 68, 0.15)' },
          { label: 'Failed', stroke: '#e03131', fill: 'rgba(224, 49, 49, 0.15)' },
        ],
      },
      [[], [], []],
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [slotMs]);

  useEffect(() => {
    plot.current?.setData([
      series.map((point) => point.at / 1000),
      series.map((point) => point.succeeded),
      series.map((point) => point.failed),
    ]);
  }, [series]);

  return <div ref={host} className="health-chart" data-testid={testId} />;
}
