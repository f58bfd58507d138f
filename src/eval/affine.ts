// 2×3 affine transforms between original-image and crop pixel coordinates (both 0-based, pixel i's centre at i).
import type { Point } from './types.js';

/** [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number];

export const IDENTITY_AFFINE: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, p: Point): [number, number] {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0 || !Number.isFinite(det)) throw new Error('invertAffine: the transform is singular');
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** outer ∘ inner: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

export interface CropSpec {
  /** Person centre in the original image. */
  center: Point;
  /** Image-to-crop magnification (crop pixels per image pixel). */
  scale: number;
  /** Crop side in pixels (368 in CPM). */
  size: number;
  /** Rotation in degrees, counter-clockwise on screen (image y points down), about the centre. */
  rotationDeg?: number;
  /** Where `center` lands in the crop; default size/2, as CPM (centre map peak at pixel 184 of 368). */
  cropCenter?: Point;
}

/** Image → crop transform: scale and rotate about `center`, then put `center` at the crop centre. */
export function cropAffine(spec: CropSpec): Affine {
  const th = ((spec.rotationDeg ?? 0) * Math.PI) / 180;
  const cos = Math.cos(th) * spec.scale, sin = Math.sin(th) * spec.scale;
  const [ox, oy] = spec.cropCenter ?? [spec.size / 2, spec.size / 2];
  const [cx, cy] = spec.center;
  // With y down, a counter-clockwise turn on screen is x' = cos·x + sin·y, y' = −sin·x + cos·y.
  return [cos, sin, ox - (cos * cx + sin * cy), -sin, cos, oy - (-sin * cx + cos * cy)];
}
