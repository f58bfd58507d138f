// The paper's augmentation (docs/data-and-evaluation.md#augmentation) as one affine transform per sample:
// normalise the person's scale, scale ×U[0.7, 1.3], rotate U[−40°, 40°], crop centred on the
// person, mirror with p = 0.5. The image is resampled once, with the composed transform.
import { composeAffine, rotation, scaling, translation, type Affine } from '../pose/affine.js';
import type { Rng } from './rng.js';

/** Person height (MPII scale × 200) is normalised to target_dist × 200 px at crop size 368. */
export const TARGET_DIST = 41 / 35;
/** The paper's crop size; scale normalisation is proportional to S / REFERENCE_SIZE. */
export const REFERENCE_SIZE = 368;

export interface AugmentOptions {
  scaleMin?: number;
  scaleMax?: number;
  /** Rotation is uniform in [−maxRotate, maxRotate] degrees. */
  maxRotate?: number;
  flipProb?: number;
}

/** The random choices for one sample. */
export interface AugmentParams {
  scaleMult: number;
  rotation: number;
  flip: boolean;
}

/** No augmentation: what evaluation uses (optionally at a scale multiplier from the test search). */
export function noAugment(scaleMult = 1): AugmentParams {
  return { scaleMult, rotation: 0, flip: false };
}

export function sampleAugment(rng: Rng, opts: AugmentOptions = {}): AugmentParams {
  const scaleMult = rng.uniform(opts.scaleMin ?? 0.7, opts.scaleMax ?? 1.3);
  const maxRot = opts.maxRotate ?? 40;
  const rot = rng.uniform(-maxRot, maxRot);
  const flip = rng.next() < (opts.flipProb ?? 0.5);
  return { scaleMult, rotation: rot, flip };
}

/**
 * Original image pixels → crop pixels: the person's center goes to the crop centre (S/2, S/2,
 * as in CPM's 0-based demo), scaled by (target_dist / scale) · (S / 368) · scaleMult, rotated,
 * and mirrored about the crop's vertical centre line when flipped.
 */
export function cropTransform(center: readonly [number, number], personScale: number, size: number, p: AugmentParams, targetDist = TARGET_DIST): Affine {
  const s = (targetDist / personScale) * (size / REFERENCE_SIZE) * p.scaleMult;
  let m = translation(-center[0], -center[1]);
  m = composeAffine(scaling(s), m);
  m = composeAffine(rotation(p.rotation), m);
  if (p.flip) m = composeAffine(scaling(-1, 1), m);
  return composeAffine(translation(size / 2, size / 2), m);
}
