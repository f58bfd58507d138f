// PCK@α as the LSP benchmark defines it, and its LSPet variant (visible joints only).
import { jointErrors, isVisible, type JointErrors, type JointSelection, type Normalizer } from './errors.js';
import { J, NUM_JOINTS } from '../pose/joints.js';
import type { PersonTruth, Pose } from './types.js';

/** Part groups of the LSP / MPII tables: each row averages its joints' PCK (Head = head top and neck). */
export const PART_GROUPS: readonly { readonly name: string; readonly joints: readonly number[] }[] = [
  { name: 'Head', joints: [J.headTop, J.neck] },
  { name: 'Shoulder', joints: [J.rShoulder, J.lShoulder] },
  { name: 'Elbow', joints: [J.rElbow, J.lElbow] },
  { name: 'Wrist', joints: [J.rWrist, J.lWrist] },
  { name: 'Hip', joints: [J.rHip, J.lHip] },
  { name: 'Knee', joints: [J.rKnee, J.lKnee] },
  { name: 'Ankle', joints: [J.rAnkle, J.lAnkle] },
];

/** A per-joint score at one threshold. Percentages are 0–100; perJoint is in CPM order. */
export interface PckTable {
  readonly metric: string;
  readonly alpha: number;
  readonly perJoint: readonly number[];
  readonly correct: readonly number[];
  readonly counted: readonly number[];
  /** Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle: the mean of each group's per-joint PCK (as the LSP tables). */
  readonly parts: readonly { readonly name: string; readonly pck: number }[];
  /** All counted joints pooled: Σ correct / Σ counted. */
  readonly total: number;
  /** Persons scored. */
  readonly persons: number;
}

export interface PckOptions {
  /** Threshold as a fraction of the torso diameter; default 0.2. */
  alpha?: number;
  /**
   * 'all' (default): the LSP benchmark — every joint of every image, visibility ignored (evalLSP_official, CPM's
   * run_benchmark.m). 'visible': the training calibration's variant (docs/training.md#cpu-calibration) — only visible joints, and only
   * images whose left shoulder and right hip are both visible.
   */
  joints?: JointSelection;
}

/** Torso diameter ‖GT left shoulder − GT right hip‖ (LSP joints 10 and 3, 1-based); null if `selection` needs both visible and they are not. */
export function torsoNormalizer(selection: JointSelection): Normalizer {
  return (t: PersonTruth) => {
    if (selection === 'visible' && !(isVisible(t, J.lShoulder) && isVisible(t, J.rHip))) return null;
    const [ax, ay] = t.joints[J.lShoulder]!;
    const [bx, by] = t.joints[J.rHip]!;
    return Math.hypot(ax - bx, ay - by);
  };
}

/** Thresholds precomputed errors: joint j of person p is correct if dist ≤ α · norm (the comparison MATLAB makes). */
export function pckFromErrors(e: JointErrors, alpha: number, metric = `PCK@${alpha}`): PckTable {
  const correct = new Array<number>(NUM_JOINTS).fill(0);
  const counted = new Array<number>(NUM_JOINTS).fill(0);
  for (let p = 0; p < e.norm.length; p++) {
    const thr = alpha * e.norm[p]!;
    for (let j = 0; j < NUM_JOINTS; j++) {
      const k = p * NUM_JOINTS + j;
      if (!e.counted[k]) continue;
      counted[j] = counted[j]! + 1;
      if (e.dist[k]! <= thr) correct[j] = correct[j]! + 1;
    }
  }
  const perJoint = correct.map((c, j) => (counted[j]! > 0 ? (100 * c) / counted[j]! : NaN));
  const parts = PART_GROUPS.map((g) => ({
    name: g.name,
    pck: g.joints.reduce((s, j) => s + perJoint[j]!, 0) / g.joints.length,
  }));
  const sumCounted = counted.reduce((a, b) => a + b, 0);
  const total = sumCounted > 0 ? (100 * correct.reduce((a, b) => a + b, 0)) / sumCounted : NaN;
  return { metric, alpha, perJoint, correct, counted, parts, total, persons: e.norm.length };
}

/** PCK@α of matched predictions against ground truth (same order; see matchPredictions). */
export function pck(predictions: readonly Pose[], truths: readonly PersonTruth[], opts: PckOptions = {}): PckTable {
  const selection = opts.joints ?? 'all';
  const alpha = opts.alpha ?? 0.2;
  const e = jointErrors(predictions, truths, torsoNormalizer(selection), selection);
  return pckFromErrors(e, alpha, `PCK@${alpha}${selection === 'visible' ? ' (visible joints)' : ''}`);
}
