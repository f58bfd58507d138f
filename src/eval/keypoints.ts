// From belief maps to joint positions: per-joint argmax, optional sub-pixel refinement, grid → crop → original image.
import { applyAffine, invertAffine, type Affine } from '../pose/affine.js';
import type { Point, Pose } from './types.js';
import type { MapShape } from './upsample.js';

/**
 * 'none': the integer argmax (what the CPM reference does, on ×8 bicubic-upsampled maps).
 * 'quadratic': a parabola through the peak and its two neighbours, per axis.
 * 'gaussian': the same parabola on log values — exact for a Gaussian peak; falls back to quadratic where a value ≤ 0.
 */
export type SubpixelMethod = 'none' | 'quadratic' | 'gaussian';

export interface Peak {
  /** Position in map cells (0-based, cell i's centre at i). */
  readonly x: number;
  readonly y: number;
  /** Map value at the integer argmax. */
  readonly score: number;
}

/** Offset in (−0.5, 0.5) of the extremum of the parabola through (−1, l), (0, c), (1, r). */
function parabolaOffset(l: number, c: number, r: number): number {
  const den = l - 2 * c + r;
  if (!(den < 0)) return 0; // not a strict maximum (flat or curving up): keep the integer position
  return Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den));
}

function refineAxis(l: number | undefined, c: number, r: number | undefined, method: SubpixelMethod): number {
  if (method === 'none' || l === undefined || r === undefined) return 0;
  if (method === 'gaussian' && l > 0 && c > 0 && r > 0) return parabolaOffset(Math.log(l), Math.log(c), Math.log(r));
  return parabolaOffset(l, c, r);
}

/** Argmax of channel `c` of a C×H×W map (first maximum in row-major order wins ties), optionally refined. */
export function channelPeak(maps: Float32Array, shape: MapShape, c: number, method: SubpixelMethod = 'none'): Peak {
  const { height: H, width: W } = shape;
  const off = c * H * W;
  let best = -Infinity,
    bi = 0;
  for (let i = 0; i < H * W; i++) {
    const v = maps[off + i]!;
    if (v > best) {
      best = v;
      bi = i;
    }
  }
  const x = bi % W,
    y = (bi - x) / W;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= W || yy >= H ? undefined : maps[off + yy * W + xx]!);
  const dx = refineAxis(at(x - 1, y), best, at(x + 1, y), method);
  const dy = refineAxis(at(x, y - 1), best, at(x, y + 1), method);
  return { x: x + dx, y: y + dy, score: best };
}

/** Peaks of the first `joints` channels (default: all but the last, which is the background). */
export function beliefPeaks(maps: Float32Array, shape: MapShape, method: SubpixelMethod = 'none', joints = shape.channels - 1): Peak[] {
  if (maps.length !== shape.channels * shape.height * shape.width) {
    throw new Error(`beliefPeaks: ${maps.length} values for shape ${shape.channels}×${shape.height}×${shape.width}`);
  }
  return Array.from({ length: joints }, (_, c) => channelPeak(maps, shape, c, method));
}

/** Map cell → crop pixel for a map at `stride` (cell g's centre is crop pixel stride·g + stride/2 − 0.5; docs/data-and-evaluation.md#testing). */
export function cellToCrop(p: Point, stride: number): [number, number] {
  const o = stride / 2 - 0.5;
  return [stride * p[0] + o, stride * p[1] + o];
}

export interface KeypointOptions {
  /** Crop pixels per map cell: 8 for 46×46 maps of a 368 crop, 1 for maps already upsampled to the crop. */
  stride?: number;
  subpixel?: SubpixelMethod;
}

/** Joint positions in original-image pixels from beliefs of a crop made with `imageToCrop`, and each peak's score. */
export function keypointsFromBeliefs(maps: Float32Array, shape: MapShape, imageToCrop: Affine, opts: KeypointOptions = {}): { pose: Pose; scores: number[] } {
  const cropToImage = invertAffine(imageToCrop);
  const peaks = beliefPeaks(maps, shape, opts.subpixel ?? 'none');
  const stride = opts.stride ?? 8;
  return {
    pose: peaks.map((p) => applyAffine(cropToImage, cellToCrop([p.x, p.y], stride))),
    scores: peaks.map((p) => p.score),
  };
}
