// PCKh@α as MPII defines it: a joint is correct if its error ≤ α · head size.
//
// Convention implemented (documented choice):
// - With a head box (MPII annorect x1,y1,x2,y2): head size = 0.6 · ‖(x2, y2) − (x1, y1)‖, i.e. SC_BIAS 0.6 times the
//   box diagonal, exactly as the official MPII toolkit (util_get_head_size in evaluatePCKh.m).
// - Without a box: head size = headSegmentFactor · ‖head top − neck‖ (default factor 1, the "head segment" used for
//   PCKh on LSP-style data, which has no head boxes). Persons whose head top or neck is not visible are skipped.
// - Joints: by default only visible (annotated) joints count, as in the MPII toolkit (jnt_visible).
import { isVisible, jointErrors, type JointSelection, type Normalizer } from './errors.js';
import { J } from '../pose/joints.js';
import { pckFromErrors, type PckTable } from './pck.js';
import type { PersonTruth, Pose } from './types.js';

export const MPII_HEAD_BOX_FACTOR = 0.6;

export interface PckhOptions {
  /** Default 0.5. */
  alpha?: number;
  /** Default 'visible'. */
  joints?: JointSelection;
  /** Multiplies ‖head top − neck‖ when a person has no head box; default 1. */
  headSegmentFactor?: number;
}

export function headSizeNormalizer(headSegmentFactor = 1): Normalizer {
  return (t: PersonTruth) => {
    if (t.headBox) {
      const [x1, y1, x2, y2] = t.headBox;
      return MPII_HEAD_BOX_FACTOR * Math.hypot(x2 - x1, y2 - y1);
    }
    if (!isVisible(t, J.headTop) || !isVisible(t, J.neck)) return null;
    const [ax, ay] = t.joints[J.headTop]!;
    const [bx, by] = t.joints[J.neck]!;
    return headSegmentFactor * Math.hypot(ax - bx, ay - by);
  };
}

export function pckh(predictions: readonly Pose[], truths: readonly PersonTruth[], opts: PckhOptions = {}): PckTable {
  const alpha = opts.alpha ?? 0.5;
  const e = jointErrors(predictions, truths, headSizeNormalizer(opts.headSegmentFactor), opts.joints ?? 'visible');
  return pckFromErrors(e, alpha, `PCKh@${alpha}`);
}
