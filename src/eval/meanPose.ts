// The mean-pose baseline: the average training pose, normalised by each person's frame, placed by a test frame.
// Every score should be reported beside this floor.
import { NUM_JOINTS } from '../pose/joints.js';
import type { Point, Pose } from './types.js';

/** Where a person is: centre and size in image pixels (e.g. from a box: centre and max(width, height)). */
export interface PersonFrame {
  readonly center: Point;
  readonly scale: number;
}

export interface MeanPose {
  /** Per joint: mean of (joint − centre) / scale over the training persons where the joint is visible. */
  readonly offsets: readonly Point[];
  /** Training persons that contributed to each joint. */
  readonly counts: readonly number[];
}

export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Bounding box of the visible joints (all joints if `visible` is absent); null if none is visible. */
export function boxOfJoints(joints: Pose, visible?: readonly boolean[]): Box | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  joints.forEach(([x, y], j) => {
    if (visible && !visible[j]) return;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  });
  return x0 <= x1 ? { x0, y0, x1, y1 } : null;
}

/** Frame of a box: its centre, and the longer side as the scale (so tall and wide poses share one unit). */
export function frameFromBox(b: Box): PersonFrame {
  return { center: [(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2], scale: Math.max(b.x1 - b.x0, b.y1 - b.y0, 1e-9) };
}

export function fitMeanPose(samples: readonly { readonly joints: Pose; readonly visible?: readonly boolean[]; readonly frame: PersonFrame }[]): MeanPose {
  const sx = new Array<number>(NUM_JOINTS).fill(0),
    sy = new Array<number>(NUM_JOINTS).fill(0);
  const counts = new Array<number>(NUM_JOINTS).fill(0);
  for (const s of samples) {
    const {
      center: [cx, cy],
      scale,
    } = s.frame;
    if (!(scale > 0)) continue;
    s.joints.forEach(([x, y], j) => {
      if (s.visible && !s.visible[j]) return;
      sx[j]! += (x - cx) / scale;
      sy[j]! += (y - cy) / scale;
      counts[j]!++;
    });
  }
  const offsets = counts.map((n, j): Point => (n > 0 ? [sx[j]! / n, sy[j]! / n] : [0, 0]));
  return { offsets, counts };
}

export function predictMeanPose(mean: MeanPose, frame: PersonFrame): Pose {
  const {
    center: [cx, cy],
    scale,
  } = frame;
  return mean.offsets.map(([dx, dy]): Point => [cx + dx * scale, cy + dy * scale]);
}
