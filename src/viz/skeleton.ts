// Draws a CPM-order pose over an image: a colour per limb (docs/data-and-evaluation.md#joints), grey torso lines for readability.
import { LIMBS, TORSO_SEGMENTS } from '../pose/joints.js';
import type { Pose } from '../eval/types.js';
import { drawLine, fillCircle, type Color, type Raster } from './raster.js';

/** One colour per limb of LIMBS: head, right arm (warm), left arm (green), right leg (blue), left leg (purple). */
export const LIMB_COLORS: readonly Color[] = [
  [255, 215, 0],
  [255, 80, 40],
  [255, 150, 40],
  [40, 200, 60],
  [150, 230, 60],
  [30, 110, 255],
  [40, 200, 255],
  [170, 60, 230],
  [240, 100, 220],
];

export interface SkeletonStyle {
  /** Limb line width in pixels; default 3. */
  lineWidth?: number;
  /** Joint dot radius; default lineWidth. */
  radius?: number;
  /** Per joint: false draws the joint hollow-grey and skips its limbs (unannotated joints). */
  visible?: readonly boolean[];
  /** Draw neck–shoulder, shoulder–hip and hip–hip lines; default true. */
  torso?: boolean;
  /** One colour for everything (e.g. ground truth in white beside a coloured prediction). */
  color?: Color;
  /** Maps pose coordinates to raster pixels: p · scale + offset (e.g. when the image was drawn enlarged). */
  scale?: number;
  offset?: readonly [number, number];
}

export function drawSkeleton(r: Raster, pose: Pose, style: SkeletonStyle = {}): void {
  const lw = style.lineWidth ?? 3;
  const radius = style.radius ?? lw;
  const s = style.scale ?? 1;
  const [ox, oy] = style.offset ?? [0, 0];
  const at = (j: number): [number, number] => [pose[j]![0] * s + ox, pose[j]![1] * s + oy];
  const shown = (j: number) => (style.visible === undefined || style.visible[j] === true) && Number.isFinite(pose[j]![0]) && Number.isFinite(pose[j]![1]);
  const segment = (a: number, b: number, color: Color, width: number) => {
    if (!shown(a) || !shown(b)) return;
    const [x0, y0] = at(a),
      [x1, y1] = at(b);
    drawLine(r, x0, y0, x1, y1, color, width);
  };
  if (style.torso ?? true) for (const [a, b] of TORSO_SEGMENTS) segment(a, b, style.color ?? [200, 200, 200, 200], Math.max(1, lw - 1));
  LIMBS.forEach(([a, b], i) => {
    segment(a, b, style.color ?? LIMB_COLORS[i]!, lw);
  });
  pose.forEach((_, j) => {
    const [x, y] = at(j);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (shown(j)) {
      fillCircle(r, x, y, radius + 1, [0, 0, 0, 160]);
      fillCircle(r, x, y, radius, style.color ?? jointColor(j));
    } else {
      fillCircle(r, x, y, radius, [128, 128, 128, 140]);
    }
  });
}

/** A joint takes the colour of the first limb it belongs to (so its dot matches its limb). */
function jointColor(j: number): Color {
  const i = LIMBS.findIndex(([a, b]) => a === j || b === j);
  return i >= 0 ? LIMB_COLORS[i]! : [255, 255, 255];
}
