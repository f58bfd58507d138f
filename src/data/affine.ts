// 2×3 affine transforms [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f.
// Plain arrays so they survive structured cloning to and from workers.

export type Affine = [number, number, number, number, number, number];

export function identity(): Affine {
  return [1, 0, 0, 0, 1, 0];
}

/** compose(m2, m1) applies m1 first, then m2. */
export function compose(m2: Affine, m1: Affine): Affine {
  const [a2, b2, c2, d2, e2, f2] = m2;
  const [a1, b1, c1, d1, e1, f1] = m1;
  return [
    a2 * a1 + b2 * d1, a2 * b1 + b2 * e1, a2 * c1 + b2 * f1 + c2,
    d2 * a1 + e2 * d1, d2 * b1 + e2 * e1, d2 * c1 + e2 * f1 + f2,
  ];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error(`affine transform is not invertible (det ${det})`);
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
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
  const c = Math.cos(r), s = Math.sin(r);
  return [c, s, 0, -s, c, 0];
}

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Transform a P×3 joints array (x, y, flag); flags are copied unchanged. */
export function transformJoints(m: Affine, joints: Float32Array): Float32Array {
  const out = new Float32Array(joints.length);
  for (let i = 0; i < joints.length; i += 3) {
    const x = joints[i]!, y = joints[i + 1]!;
    out[i] = m[0] * x + m[1] * y + m[2];
    out[i + 1] = m[3] * x + m[4] * y + m[5];
    out[i + 2] = joints[i + 2]!;
  }
  return out;
}
