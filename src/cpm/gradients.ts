// The paper's Fig. 9: histograms of gradient magnitudes of layers at different depths, across
// training, with and without intermediate supervision. Recorded after backward, before the update.
import { renderLineChart, SERIES_COLORS } from '../viz/chart.js';
import { blit, createRaster, drawText, WHITE, type Raster } from '../viz/raster.js';
import type { LayerSpec } from './config.js';
import type { CpmModel } from './model.js';

/** log10 |g| bins: [LOG_MIN, LOG_MAX) in BINS equal steps; smaller magnitudes (and zeros) go to the first bin. */
export const LOG_MIN = -12;
export const LOG_MAX = 0;
export const BINS = 48;

export interface LayerGradients {
  /** Layer name (docs/network.md#names), e.g. "stage3.mconv2". */
  layer: string;
  /** Convolutions from the input to this layer's output along the deepest path. */
  depth: number;
  meanAbs: number;
  /** Weight count per log10 |g| bin (see LOG_MIN, LOG_MAX, BINS). */
  counts: number[];
}

export interface GradientRecord {
  step: number;
  layers: LayerGradients[];
}

/** Depth along the deepest path: stage 1 is 7 convolutions deep; each later stage adds its 5 refinement convs. */
export function layerDepth(spec: LayerSpec): number {
  const m = /^(stage(\d+)|trunk)\.(conv|mconv|features)(\d*)$/.exec(spec.name);
  if (!m) throw new Error(`layerDepth: unexpected layer name "${spec.name}"`);
  const [, , stage, kind, index] = m;
  if (kind === 'features') return 4; // after the trunk's three convs
  if (kind === 'conv') return Number(index);
  return 7 + 5 * (Number(stage) - 2) + Number(index);
}

export function magnitudeHistogram(g: Float32Array): number[] {
  const counts = new Array<number>(BINS).fill(0);
  const perDecade = BINS / (LOG_MAX - LOG_MIN);
  for (const v of g) {
    const a = Math.abs(v);
    const bin = a > 0 ? Math.floor((Math.log10(a) - LOG_MIN) * perDecade) : 0;
    counts[Math.min(BINS - 1, Math.max(0, bin))]!++;
  }
  return counts;
}

/** Reads every convolution weight's gradient (call after backward, before the update). */
export async function gradientRecord(model: CpmModel, step: number): Promise<GradientRecord> {
  const out: LayerGradients[] = [];
  for (const spec of model.specs) {
    const grad = model.param(`${spec.name}.weight`).grad;
    if (!grad) continue; // frozen in this phase of stage-wise training
    const g = await grad.read();
    let sum = 0;
    for (const v of g) sum += Math.abs(v);
    out.push({ layer: spec.name, depth: layerDepth(spec), meanAbs: sum / g.length, counts: magnitudeHistogram(g) });
  }
  return { step, layers: out };
}

/** Bin centres in log10 |g|, for plotting. */
export function binCentres(): number[] {
  const w = (LOG_MAX - LOG_MIN) / BINS;
  return Array.from({ length: BINS }, (_, i) => LOG_MIN + (i + 0.5) * w);
}

/**
 * Fig. 9 as a grid: one row per chosen layer (deepest-path layers from input to output), one
 * column per recorded step, each cell the fraction of weights per log10 |g| bin for each run.
 */
export function renderGradientFigure(runs: { name: string; records: GradientRecord[] }[], layerNames: string[]): Raster {
  const steps = runs[0]?.records.map((r) => r.step) ?? [];
  const cellW = 300,
    cellH = 190,
    left = 8,
    top = 18;
  const fig = createRaster(left + cellW * steps.length, top + cellH * layerNames.length, WHITE);
  drawText(fig, 'fraction of weights per log10 abs(gradient) bin (leftmost bin: 1e-12 or less, zeros included)', left, 6, [0, 0, 0], 1);
  const x = binCentres();
  layerNames.forEach((layer, row) => {
    steps.forEach((step, col) => {
      const series = runs.map((run, k) => {
        const l = run.records.find((r) => r.step === step)?.layers.find((e) => e.layer === layer);
        const total = l ? l.counts.reduce((a, b) => a + b, 0) : 1;
        return { name: run.name, x, y: l ? l.counts.map((c) => c / total) : x.map(() => 0), color: SERIES_COLORS[k % SERIES_COLORS.length]! };
      });
      const depth = runs[0]?.records[0]?.layers.find((e) => e.layer === layer)?.depth ?? 0;
      const chart = renderLineChart(series, {
        width: cellW,
        height: cellH,
        title: `${layer} d${depth} step ${step}`,
        xLabel: 'log10 abs(gradient)',
        yMin: 0,
        legend: row === 0 && col === 0 ? 'top-left' : 'none',
      });
      blit(fig, chart, left + col * cellW, top + row * cellH);
    });
  });
  return fig;
}

/** Up to `count` layers spread evenly over the deepest path (stage 1's convs, then each stage's mconvs). */
export function layersAcrossDepth(specs: LayerSpec[], count = 5): string[] {
  const path = specs.filter((s) => /^stage\d+\.m?conv\d+$/.test(s.name)).sort((a, b) => layerDepth(a) - layerDepth(b));
  if (path.length <= count) return path.map((s) => s.name);
  return Array.from({ length: count }, (_, i) => path[Math.round((i * (path.length - 1)) / (count - 1))]!.name);
}
