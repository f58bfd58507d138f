// Colormaps for heatmaps: value in [0, 1] → RGB. Pure.
import { createRaster, type Raster } from './raster.js';

export type ColormapName = 'jet' | 'viridis' | 'gray';
export type Rgb = [number, number, number];

/** MATLAB-style jet: dark blue → cyan → yellow → dark red. */
export function jet(t: number): Rgb {
  const v = clamp01(t);
  const r = clamp01(Math.min(4 * v - 1.5, -4 * v + 4.5));
  const g = clamp01(Math.min(4 * v - 0.5, -4 * v + 3.5));
  const b = clamp01(Math.min(4 * v + 0.5, -4 * v + 2.5));
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

// viridis sampled at 9 evenly spaced points (matplotlib), linearly interpolated between them.
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

export function viridis(t: number): Rgb {
  const p = clamp01(t) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(p));
  const f = p - i;
  const a = VIRIDIS[i]!,
    b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as Rgb;
}

export function gray(t: number): Rgb {
  const v = Math.round(clamp01(t) * 255);
  return [v, v, v];
}

export function colormap(name: ColormapName): (t: number) => Rgb {
  return name === 'jet' ? jet : name === 'viridis' ? viridis : gray;
}

export interface HeatmapOptions {
  colormap?: ColormapName;
  /** Value range mapped to [0, 1]; defaults to the map's own min and max. */
  min?: number;
  max?: number;
  /** Alpha per pixel: 'constant' (255) or 'value' (transparent where the map is low, for overlays). */
  alpha?: 'constant' | 'value';
}

/** Renders a single-channel map (row-major, width×height) as a colour raster. */
export function heatmapRaster(map: ArrayLike<number>, width: number, height: number, opts: HeatmapOptions = {}): Raster {
  let lo = opts.min ?? Infinity,
    hi = opts.max ?? -Infinity;
  if (opts.min === undefined || opts.max === undefined) {
    for (let i = 0; i < width * height; i++) {
      const v = map[i]!;
      if (opts.min === undefined && v < lo) lo = v;
      if (opts.max === undefined && v > hi) hi = v;
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const cm = colormap(opts.colormap ?? 'jet');
  const out = createRaster(width, height);
  for (let i = 0; i < width * height; i++) {
    const t = (map[i]! - lo) / span;
    const [r, g, b] = cm(t);
    out.data[i * 4] = r;
    out.data[i * 4 + 1] = g;
    out.data[i * 4 + 2] = b;
    out.data[i * 4 + 3] = opts.alpha === 'value' ? Math.round(clamp01(t) * 255) : 255;
  }
  return out;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0;
}
