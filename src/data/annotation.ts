// Turning stored annotations into Person records. This is the ONE place where MATLAB 1-based
// coordinates become 0-based (x − 1, y − 1) and dataset joint orders become CPM order.
import { TARGET_DIST, REFERENCE_SIZE } from './augment.js';
import { DataError } from './errors.js';
import { NUM_JOINTS, reorderJoints } from '../pose/joints.js';
import type { Person } from './types.js';

/** MATLAB pixel (1-based) → our pixel (0-based). */
export function fromMatlab(v: number): number {
  return v - 1;
}

/**
 * Stored joints (n×3 rows x, y, v in dataset order, MATLAB 1-based) → CPM-order 14×3, 0-based,
 * flag 1 = annotated / 0 = none. `annotated(v)` interprets the dataset's visibility value.
 * Non-finite coordinates are an error naming `source`.
 */
export function toCpmJoints(rows: ArrayLike<number>, cpmFromSrc: readonly number[], annotated: (v: number) => boolean, source: string): Float32Array {
  const n = rows.length / 3;
  const tmp = new Float64Array(rows.length);
  for (let k = 0; k < n; k++) {
    const x = rows[k * 3]!,
      y = rows[k * 3 + 1]!,
      v = rows[k * 3 + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(v)) {
      throw new DataError(source, `joint ${k} has a non-finite value (x ${x}, y ${y}, v ${v})`);
    }
    const on = annotated(v);
    tmp[k * 3] = fromMatlab(x);
    tmp[k * 3 + 1] = fromMatlab(y);
    tmp[k * 3 + 2] = on ? 1 : 0;
  }
  return reorderJoints(tmp, cpmFromSrc);
}

/**
 * LSPet / generated rule (genJSON.m): centre of the annotated joints' box; scale from the box's
 * larger side taken as the person height (MPII scale = height / 200).
 */
export function personFromJointBox(joints: Float32Array, source: string): Person {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity,
    count = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (joints[j * 3 + 2] !== 1) continue;
    const x = joints[j * 3]!,
      y = joints[j * 3 + 1]!;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
    count++;
  }
  if (count < 2) throw new DataError(source, `only ${count} annotated joint(s); cannot place the person`);
  const extent = Math.max(x1 - x0, y1 - y0);
  if (!(extent >= 1)) throw new DataError(source, `annotated joints span ${extent.toFixed(2)} px; cannot set the person's scale`);
  return { joints, center: [(x0 + x1) / 2, (y0 + y1) / 2], scale: extent / 200 };
}

/**
 * LSP rule (docs/data-and-evaluation.md#crops): centre = image centre, and the image height maps to 0.8·368 px
 * at S = 368. Expressed as an MPII-style scale for the common target_dist normalisation.
 */
export function personFromImageFrame(joints: Float32Array, width: number, height: number): Person {
  return {
    joints,
    center: [(width - 1) / 2, (height - 1) / 2],
    scale: (TARGET_DIST * height) / (0.8 * REFERENCE_SIZE),
  };
}

/** A box around a person, COCO-style [x, y, w, h]: top-left corner and size in pixels (pixel i spans [i, i + 1)). */
export type PersonBox = readonly [number, number, number, number];

/**
 * A person given by centre (0-based pixels) and height in pixels, placed as the reference test code
 * places an annotated MPII person (docs/data-and-evaluation.md#crops): MPII scale = height / 200, so the crop
 * maps the height to target_dist · 200 px at S = 368. No joints are known (all flags 0).
 */
export function personFromCenterHeight(center: readonly [number, number], height: number, source = 'person'): Person {
  if (!center.every(Number.isFinite)) throw new DataError(source, `centre (${center}) is not a pair of finite numbers`);
  if (!(height > 0) || !Number.isFinite(height)) throw new DataError(source, `height must be a positive number of pixels, got ${height}`);
  return { joints: new Float32Array(NUM_JOINTS * 3), center: [center[0], center[1]], scale: height / 200 };
}

/** A person in a box: its centre, and its larger side as the person height (the joint-box rule above). */
export function personFromBox(box: PersonBox, source = 'box'): Person {
  const [x, y, w, h] = box;
  if (box.length !== 4 || !box.every(Number.isFinite) || !(w > 0 && h > 0))
    throw new DataError(source, `a box is [x, y, w, h] with w, h > 0, got [${box.join(', ')}]`);
  return personFromCenterHeight([x + w / 2 - 0.5, y + h / 2 - 0.5], Math.max(w, h), source);
}
