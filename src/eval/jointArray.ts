// Adapter from the data module's joint layout (Float32Array P×3: x, y, flag; flag 1 = annotated; CPM order,
// 0-based pixels) to the scoring types, so its records can be scored and drawn without copying conventions.
import type { PersonTruth, Point, Pose } from './types.js';

export function poseFromJointArray(joints: ArrayLike<number>, stride = 3): Pose {
  const out: Point[] = [];
  for (let i = 0; i + 1 < joints.length; i += stride) out.push([joints[i]!, joints[i + 1]!]);
  return out;
}

/** A ground-truth person from a P×3 array; flag === visibleFlag (default 1) means visible/annotated. */
export function truthFromJointArray(file: string, joints: ArrayLike<number>, visibleFlag = 1): PersonTruth {
  const visible: boolean[] = [];
  for (let i = 2; i < joints.length; i += 3) visible.push(joints[i] === visibleFlag);
  return { file, joints: poseFromJointArray(joints), visible };
}
