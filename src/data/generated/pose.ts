// Random articulated 2-D poses within human joint limits, as 14 joints in CPM order.
// Front-facing: the person's right side is on the image's left (person-centric labels).
import type { Rng } from '../rng.js';

/** Joint positions in pixels, CPM order, as [x, y] pairs. */
export type Skeleton = [number, number][];

/** Proportions as fractions of the person's height (head top to ankles). */
const HEAD = 0.16,
  TORSO = 0.31,
  SHOULDER = 0.12,
  HIP = 0.075,
  UPPER_ARM = 0.17,
  FOREARM = 0.155,
  THIGH = 0.24,
  SHIN = 0.23;

export interface PoseOptions {
  /** Person height in pixels. */
  height: number;
  /** Pelvis position in pixels. */
  pelvis: [number, number];
}

/** Direction at angle a from straight down (y grows downward); positive a turns towards +x. */
function dir(a: number): [number, number] {
  return [Math.sin(a), Math.cos(a)];
}

function step(p: [number, number], a: number, len: number): [number, number] {
  const [dx, dy] = dir(a);
  return [p[0] + dx * len, p[1] + dy * len];
}

/** Sample a pose. Angles are kept to ranges a person can hold, and not extreme. */
export function samplePose(rng: Rng, opts: PoseOptions): Skeleton {
  const H = opts.height;
  const len = (f: number): number => f * H * rng.uniform(0.82, 1.05); // mild foreshortening
  const body = rng.uniform(-0.3, 0.3) + (rng.chance(0.1) ? rng.uniform(-0.5, 0.5) : 0); // whole-body lean
  const up = Math.PI + body; // pelvis → neck direction
  const pelvis = opts.pelvis;
  const neck = step(pelvis, up, len(TORSO));
  const head = step(neck, up + rng.uniform(-0.35, 0.35), len(HEAD));
  const across: [number, number] = [Math.cos(body), -Math.sin(body)]; // body's left-to-right axis in the image
  const side = (p: [number, number], s: number, w: number): [number, number] => [p[0] + across[0] * s * w, p[1] + across[1] * s * w];
  const sw = H * SHOULDER * rng.uniform(0.85, 1.1),
    hw = H * HIP * rng.uniform(0.85, 1.15);
  const shoulderDrop = step(neck, body, H * 0.03);
  const rsho = side(shoulderDrop, -1, sw),
    lsho = side(shoulderDrop, 1, sw);
  const rhip = side(pelvis, -1, hw),
    lhip = side(pelvis, 1, hw);
  // s = −1 for the right limbs (towards image left), +1 for the left limbs.
  const arm = (sho: [number, number], s: number): [[number, number], [number, number]] => {
    const a = body + s * rng.uniform(-0.3, 2.5); // from slightly across the chest to well above the shoulder
    const elbow = step(sho, a, len(UPPER_ARM));
    const flex = rng.uniform(0, 2.2) * (rng.chance(0.7) ? -s : s); // usually bends inwards
    return [elbow, step(elbow, a + flex, len(FOREARM))];
  };
  const leg = (hip: [number, number], s: number): [[number, number], [number, number]] => {
    const kick = rng.chance(0.15) ? rng.uniform(0.4, 1.2) : 0;
    const a = body + s * (rng.uniform(-0.15, 0.55) + kick);
    const knee = step(hip, a, len(THIGH));
    const flex = rng.uniform(-0.9, 0.9) * (rng.chance(0.3) ? 1.6 : 1);
    return [knee, step(knee, a + flex, len(SHIN))];
  };
  const [relb, rwri] = arm(rsho, -1);
  const [lelb, lwri] = arm(lsho, 1);
  const [rkne, rank] = leg(rhip, -1);
  const [lkne, lank] = leg(lhip, 1);
  return [head, neck, rsho, relb, rwri, lsho, lelb, lwri, rhip, rkne, rank, lhip, lkne, lank];
}
