// Belief-map targets and the center map (docs/data-and-evaluation.md#targets, #crops).
import { NUM_CHANNELS, NUM_JOINTS } from '../pose/joints.js';

/** Label grid stride: grid point g sits at input pixel 3.5 + 8·g. */
export const STRIDE = 8;
/** Gaussians are cut where the exponent exceeds this (below 1 % of the peak). */
const MAX_EXPONENT = 4.6052;

/** σ in input pixels for crop size S: 7 at 368, scaled with S. */
export function defaultJointSigma(size: number): number {
  return (7 * size) / 368;
}
/** Center-map σ for crop size S: 21 at 368, scaled with S. */
export function defaultCenterSigma(size: number): number {
  return (21 * size) / 368;
}

/**
 * Belief maps (P+1)×G×G for a list of people (each P×3 in crop pixels, flag 1 = annotated).
 * Joints without annotation, or outside the crop, give no peak. Overlaps add and clip at 1.
 * The background channel is max(1 − max_j heat_j, 0).
 */
export function beliefTargets(
  people: readonly Float32Array[],
  size: number,
  sigma: number,
  out: Float32Array = new Float32Array(NUM_CHANNELS * (size / STRIDE) ** 2),
  offset = 0,
): Float32Array {
  const g = size / STRIDE;
  const plane = g * g;
  out.fill(0, offset, offset + NUM_CHANNELS * plane);
  const start = STRIDE / 2 - 0.5;
  const twoSig2 = 2 * sigma * sigma;
  const reach = Math.sqrt(MAX_EXPONENT * twoSig2); // farther grid points are all skipped
  for (const joints of people) {
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (joints[j * 3 + 2] !== 1) continue;
      const x = joints[j * 3]!,
        y = joints[j * 3 + 1]!;
      if (!(x >= 0 && y >= 0 && x < size && y < size)) continue;
      const base = offset + j * plane;
      const gx0 = Math.max(0, Math.ceil((x - reach - start) / STRIDE));
      const gx1 = Math.min(g - 1, Math.floor((x + reach - start) / STRIDE));
      const gy0 = Math.max(0, Math.ceil((y - reach - start) / STRIDE));
      const gy1 = Math.min(g - 1, Math.floor((y + reach - start) / STRIDE));
      for (let gy = gy0; gy <= gy1; gy++) {
        const dy = start + gy * STRIDE - y;
        for (let gx = gx0; gx <= gx1; gx++) {
          const dx = start + gx * STRIDE - x;
          const ex = (dx * dx + dy * dy) / twoSig2;
          if (ex > MAX_EXPONENT) continue;
          const i = base + gy * g + gx;
          out[i] = Math.min(1, out[i]! + Math.exp(-ex));
        }
      }
    }
  }
  const bg = offset + NUM_JOINTS * plane;
  for (let i = 0; i < plane; i++) {
    let m = 0;
    for (let j = 0; j < NUM_JOINTS; j++) m = Math.max(m, out[offset + j * plane + i]!);
    out[bg + i] = Math.max(1 - m, 0);
  }
  return out;
}

const centerCache = new Map<string, Float32Array>();

/** S×S Gaussian exp(−d²/(2σ²)) at (cx, cy), peak 1 (not normalised). Cached: treat as read-only. */
export function centerMap(size: number, sigma: number, cx = size / 2, cy = size / 2): Float32Array {
  const key = `${size}/${sigma}/${cx}/${cy}`;
  const hit = centerCache.get(key);
  if (hit) return hit;
  const out = new Float32Array(size * size);
  const twoSig2 = 2 * sigma * sigma;
  const col = new Float64Array(size);
  for (let x = 0; x < size; x++) col[x] = Math.exp(-((x - cx) ** 2) / twoSig2);
  for (let y = 0; y < size; y++) {
    const ry = Math.exp(-((y - cy) ** 2) / twoSig2);
    for (let x = 0; x < size; x++) out[y * size + x] = ry * col[x]!;
  }
  if (centerCache.size > 16) centerCache.clear();
  centerCache.set(key, out);
  return out;
}
