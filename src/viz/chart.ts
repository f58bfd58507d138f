// Line charts rendered to a raster: several series with a legend, axes with tick labels, optional log y.
// Used for loss curves per stage, PCK-versus-threshold curves, and histograms (a series of bin centres and counts).
import {
  createRaster,
  drawLine,
  drawPolyline,
  drawText,
  drawTextVertical,
  fillRect,
  strokeRect,
  textWidth,
  TEXT_HEIGHT,
  type Color,
  type Raster,
} from './raster.js';
import { formatTick, linearTicks, logTicks } from './ticks.js';

export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly color?: Color;
  /** Line width in pixels; default 2. */
  readonly width?: number;
}

export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface ChartOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  legend?: LegendPosition;
  /** Integer font magnification (5×7 font); default 1, the title uses twice this. */
  fontScale?: number;
}

/** Matplotlib's tab10, so series colours look familiar. */
export const SERIES_COLORS: readonly Color[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

const AXIS: Color = [40, 40, 40];
const GRID: Color = [225, 225, 225];

export function renderLineChart(series: readonly Series[], opts: ChartOptions = {}): Raster {
  const W = opts.width ?? 640,
    H = opts.height ?? 400,
    fs = opts.fontScale ?? 1;
  const th = TEXT_HEIGHT * fs;
  const r = createRaster(W, H, [255, 255, 255]);
  const logY = opts.logY ?? false;
  const usable = (y: number) => Number.isFinite(y) && (!logY || y > 0);

  let xmin = Infinity,
    xmax = -Infinity,
    ymin = Infinity,
    ymax = -Infinity;
  for (const s of series) {
    s.x.forEach((x, i) => {
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !usable(y)) return;
      xmin = Math.min(xmin, x);
      xmax = Math.max(xmax, x);
      ymin = Math.min(ymin, y);
      ymax = Math.max(ymax, y);
    });
  }
  if (!Number.isFinite(xmin)) {
    xmin = 0;
    xmax = 1;
    ymin = logY ? 1 : 0;
    ymax = logY ? 10 : 1;
  }
  xmin = opts.xMin ?? xmin;
  xmax = opts.xMax ?? xmax;
  ymin = opts.yMin ?? ymin;
  ymax = opts.yMax ?? ymax;
  const xt = linearTicks(xmin, xmax, 8);
  const yt = logY ? logTicks(ymin, ymax) : linearTicks(ymin, ymax, 6);
  const x0v = opts.xMin ?? xt.lo,
    x1v = opts.xMax ?? xt.hi;
  const y0v = opts.yMin ?? yt.lo,
    y1v = opts.yMax ?? yt.hi;

  // Plot area: room on the left for y tick labels and the y label, below for x ticks and the x label.
  const yLabelW = Math.max(...yt.ticks.map((v) => textWidth(formatTick(v), fs)));
  const left = 8 + (opts.yLabel ? th + 6 : 0) + yLabelW + 6;
  const top = opts.title ? 2 * th + 14 : 10;
  const bottom = H - (th + 10 + (opts.xLabel ? th + 8 : 0));
  const right = W - 14;
  const px = (x: number) => left + ((x - x0v) / (x1v - x0v || 1)) * (right - left);
  const py = (y: number) => {
    const t = logY ? (Math.log10(y) - Math.log10(y0v)) / (Math.log10(y1v) - Math.log10(y0v) || 1) : (y - y0v) / (y1v - y0v || 1);
    return bottom - t * (bottom - top);
  };

  for (const v of xt.ticks) {
    if (v < x0v - 1e-12 || v > x1v + 1e-12) continue;
    const X = px(v);
    drawLine(r, X, top, X, bottom, GRID, 1, false);
    drawLine(r, X, bottom, X, bottom + 4, AXIS, 1, false);
    const label = formatTick(v);
    drawText(r, label, X - textWidth(label, fs) / 2, bottom + 6, AXIS, fs);
  }
  for (const v of yt.ticks) {
    if (v < y0v * (1 - 1e-9) - 1e-12 || v > y1v * (1 + 1e-9) + 1e-12) continue;
    const Y = py(v);
    drawLine(r, left, Y, right, Y, GRID, 1, false);
    drawLine(r, left - 4, Y, left, Y, AXIS, 1, false);
    const label = formatTick(v);
    drawText(r, label, left - 6 - textWidth(label, fs), Y - th / 2, AXIS, fs);
  }
  strokeRect(r, left, top, right - left + 1, bottom - top + 1, AXIS);

  // Clip series to the plot area by drawing into a separate layer first.
  const layer = createRaster(W, H);
  series.forEach((s, i) => {
    const color = s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!;
    let run: [number, number][] = [];
    // A lone point (between gaps) is drawn as a slightly larger dot so it stays visible.
    const flush = () => {
      drawPolyline(layer, run, color, run.length === 1 ? (s.width ?? 2) + 1 : (s.width ?? 2));
      run = [];
    };
    s.x.forEach((x, k) => {
      const y = s.y[k]!;
      if (!Number.isFinite(x) || !usable(y)) {
        flush();
        return;
      }
      run.push([px(x), py(y)]);
    });
    flush();
  });
  for (let y = top + 1; y < bottom; y++) {
    for (let x = left + 1; x < right; x++) {
      const i = (y * W + x) * 4;
      const a = layer.data[i + 3]!;
      if (a > 0) fillRect(r, x, y, 1, 1, [layer.data[i]!, layer.data[i + 1]!, layer.data[i + 2]!, a]);
    }
  }

  if (opts.title) drawText(r, opts.title, (W - textWidth(opts.title, 2 * fs)) / 2, 6, AXIS, 2 * fs);
  if (opts.xLabel) drawText(r, opts.xLabel, (left + right - textWidth(opts.xLabel, fs)) / 2, H - th - 6, AXIS, fs);
  if (opts.yLabel) drawTextVertical(r, opts.yLabel, 6, (top + bottom + textWidth(opts.yLabel, fs)) / 2, AXIS, fs);
  drawLegend(r, series, opts.legend ?? 'top-right', { left, top, right, bottom }, fs);
  return r;
}

function drawLegend(
  r: Raster,
  series: readonly Series[],
  pos: LegendPosition,
  area: { left: number; top: number; right: number; bottom: number },
  fs: number,
): void {
  if (pos === 'none' || series.length === 0) return;
  const th = TEXT_HEIGHT * fs,
    rowH = th + 6,
    swatch = 16;
  const w = 8 + swatch + 6 + Math.max(...series.map((s) => textWidth(s.name, fs))) + 8;
  const h = 6 + series.length * rowH;
  const x = pos.endsWith('right') ? area.right - w - 8 : area.left + 8;
  const y = pos.startsWith('top') ? area.top + 8 : area.bottom - h - 8;
  fillRect(r, x, y, w, h, [255, 255, 255, 230]);
  strokeRect(r, x, y, w, h, [160, 160, 160]);
  series.forEach((s, i) => {
    const color = s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!;
    const cy = y + 6 + i * rowH + th / 2;
    drawLine(r, x + 8, cy, x + 8 + swatch, cy, color, 3);
    drawText(r, s.name, x + 8 + swatch + 6, cy - th / 2, AXIS, fs);
  });
}
