// Per-joint distances and per-person normalisers: computed once, then thresholded at any α (PCK, PCKh, curves).
import { NUM_JOINTS } from '../pose/joints.js';
import type { PersonTruth, Pose } from './types.js';

/** Which joints are counted: every joint (LSP benchmark) or only annotated/visible ones (LSPet, MPII). */
export type JointSelection = 'all' | 'visible';

/** The scale a person's errors are measured against (torso or head size); null means the person is not scored. */
export type Normalizer = (truth: PersonTruth) => number | null;

export interface JointErrors {
  /** Scored persons (persons whose normaliser was null are dropped). */
  readonly files: readonly string[];
  /** Euclidean prediction error in pixels, person-major: dist[p * 14 + j]. */
  readonly dist: Float64Array;
  /** Normaliser per scored person (torso diameter, head size…). */
  readonly norm: Float64Array;
  /** 1 where joint j of person p is counted. */
  readonly counted: Uint8Array;
}

export function isVisible(truth: PersonTruth, joint: number): boolean {
  return truth.visible === undefined || truth.visible[joint] === true;
}

/** Distances of `predictions[i]` to `truths[i]` (same length, already matched), for the chosen joints. */
export function jointErrors(predictions: readonly Pose[], truths: readonly PersonTruth[], normalizer: Normalizer, selection: JointSelection): JointErrors {
  if (predictions.length !== truths.length) {
    throw new Error(`jointErrors: ${predictions.length} predictions for ${truths.length} ground-truth persons`);
  }
  const files: string[] = [];
  const dist: number[] = [];
  const norm: number[] = [];
  const counted: number[] = [];
  for (let p = 0; p < truths.length; p++) {
    const t = truths[p]!;
    const n = normalizer(t);
    if (n === null) continue;
    files.push(t.file);
    norm.push(n);
    const pred = predictions[p]!;
    for (let j = 0; j < NUM_JOINTS; j++) {
      const [px, py] = pred[j]!;
      const [gx, gy] = t.joints[j]!;
      dist.push(Math.hypot(px - gx, py - gy));
      // A NaN prediction (joint not found) is counted and can never be a hit.
      counted.push(selection === 'all' || isVisible(t, j) ? 1 : 0);
    }
  }
  return { files, dist: Float64Array.from(dist), norm: Float64Array.from(norm), counted: Uint8Array.from(counted) };
}
