// 2×3 affine transforms [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f, between
// original-image and crop pixel coordinates (both 0-based, pixel i's centre at i).
// Plain arrays so they survive structured cloning to and from workers.

export type Affine = readonly [number, number, number, number, number, number];

export const IDENTITY_AFFINE: Affine = [1, 0, 0, 0, 1, 0];

/** outer ∘ inner: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error(`affine transform is not invertible (det ${det})`);
  const ia = e / det,
    ib = -b / det,
    id = -d / det,
    ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function translation(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

export function scaling(sx: number, sy: number = sx): Affine {
  return [sx, 0, 0, 0, sy, 0];
}

/** Rotation by `degrees`; positive turns the image counter-clockwise as seen on screen (y points down). */
export function rotation(degrees: number): Affine {
  const r = (degrees * Math.PI) / 180;
  const c = Math.cos(r),
    s = Math.sin(r);
  return [c, s, 0, -s, c, 0];
}

export function applyAffine(m: Affine, [x, y]: readonly [number, number]): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Transform a P×3 joints array (x, y, flag); flags are copied unchanged. */
export function transformJoints(m: Affine, joints: Float32Array): Float32Array {
  const out = new Float32Array(joints.length);
  for (let i = 0; i < joints.length; i += 3) {
    const x = joints[i]!,
      y = joints[i + 1]!;
    out[i] = m[0] * x + m[1] * y + m[2];
    out[i + 1] = m[3] * x + m[4] * y + m[5];
    out[i + 2] = joints[i + 2]!;
  }
  return out;
}

export interface CropSpec {
  /** Person centre in the original image. */
  center: readonly [number, number];
  /** Image-to-crop magnification (crop pixels per image pixel). */
  scale: number;
  /** Crop side in pixels (368 in CPM). */
  size: number;
  /** Rotation in degrees, counter-clockwise on screen (image y points down), about the centre. */
  rotationDeg?: number;
  /** Where `center` lands in the crop; default size/2, as CPM (centre map peak at pixel 184 of 368). */
  cropCenter?: readonly [number, number];
}

/** Image → crop transform: scale and rotate about `center`, then put `center` at the crop centre. */
export function cropAffine(spec: CropSpec): Affine {
  const th = ((spec.rotationDeg ?? 0) * Math.PI) / 180;
  const cos = Math.cos(th) * spec.scale,
    sin = Math.sin(th) * spec.scale;
  const [ox, oy] = spec.cropCenter ?? [spec.size / 2, spec.size / 2];
  const [cx, cy] = spec.center;
  // With y down, a counter-clockwise turn on screen is x' = cos·x + sin·y, y' = −sin·x + cos·y.
  return [cos, sin, ox - (cos * cx + sin * cy), -sin, cos, oy - (-sin * cx + cos * cy)];
}
