// The PCK-versus-threshold picture: total PCK per model/stage, or one line per part for a single model.
import type { PckCurve } from '../eval/curve.js';
import { renderLineChart, type Series } from './chart.js';
import type { Raster } from './raster.js';

export interface PckCurveChartOptions {
  width?: number;
  height?: number;
  title?: string;
  /** 'total': one line per curve; 'parts': Head … Ankle + Total of the first curve. */
  lines?: 'total' | 'parts';
}

export function renderPckCurve(curves: readonly { label: string; curve: PckCurve }[], opts: PckCurveChartOptions = {}): Raster {
  const first = curves[0];
  let series: Series[];
  if (opts.lines === 'parts' && first) {
    series = Object.entries(first.curve.parts).map(([name, y]) => ({ name, x: first.curve.thresholds, y, width: 1.5 }));
    series.push({ name: 'Total', x: first.curve.thresholds, y: first.curve.total, color: [0, 0, 0], width: 3 });
  } else {
    series = curves.map(({ label, curve }) => ({ name: label, x: curve.thresholds, y: curve.total }));
  }
  return renderLineChart(series, {
    width: opts.width ?? 640,
    height: opts.height ?? 420,
    title: opts.title ?? `${first?.curve.metric ?? 'PCK'} VS THRESHOLD`,
    xLabel: 'THRESHOLD (FRACTION OF NORMALISER)',
    yLabel: 'DETECTION RATE %',
    yMin: 0,
    yMax: 100,
    xMin: 0,
    legend: 'bottom-right',
  });
}
