// From a decoded, annotated image to a network-ready Sample. Training (random augmentation) and
// evaluation (fixed scale, no augmentation) share this code.
import { invertAffine, transformJoints, type Affine } from '../pose/affine.js';
import { cropTransform, noAugment, sampleAugment, TARGET_DIST, type AugmentOptions, type AugmentParams } from './augment.js';
import { DataError } from './errors.js';
import { FLIP_PARTNER, reorderJoints } from '../pose/joints.js';
import type { Rng } from './rng.js';
import { beliefTargets, centerMap, defaultCenterSigma, defaultJointSigma, STRIDE } from './targets.js';
import type { RawSample, Sample } from './types.js';
import { warpToChw, type ChannelOrder } from './warp.js';

export interface PreprocessOptions {
  /** Crop size S (368 in the paper); must be a multiple of 8. */
  size: number;
  /** Channel order of `image`; default 'bgr' (the released CPM networks). */
  order?: ChannelOrder;
  /** Joint Gaussian σ in input pixels; default 7·S/368. */
  sigma?: number;
  /** Center-map σ; default 21·S/368. */
  centerSigma?: number;
  targetDist?: number;
  /** Padding value before normalisation; default 128. */
  pad?: number;
}

export function checkSize(size: number, source = 'size'): void {
  if (!Number.isInteger(size) || size < 8 || size % STRIDE !== 0) {
    throw new DataError(source, `crop size must be a positive multiple of ${STRIDE}, got ${size}`);
  }
}

/** Preprocess with the given augmentation choices (use noAugment() for evaluation). */
export function preprocess(raw: RawSample, aug: AugmentParams, opts: PreprocessOptions, index = 0): Sample {
  const size = opts.size;
  checkSize(size);
  const main = raw.persons[raw.main];
  if (!main) throw new DataError(raw.id, `sample has no person ${raw.main}`);
  const imageToCrop = cropTransform(main.center, main.scale, size, aug, opts.targetDist ?? TARGET_DIST);
  const cropToImage = invertAffine(imageToCrop);
  const image = warpToChw(raw.image, cropToImage, size, { order: opts.order ?? 'bgr', pad: opts.pad ?? 128 });
  const people = raw.persons.map((p) => cropJoints(p.joints, imageToCrop, aug.flip));
  const sigma = opts.sigma ?? defaultJointSigma(size);
  const mainJoints = people[raw.main]!;
  return {
    size,
    grid: size / STRIDE,
    image,
    center: centerMap(size, opts.centerSigma ?? defaultCenterSigma(size)),
    target: beliefTargets([mainJoints], size, sigma),
    targetAll: beliefTargets(people, size, sigma),
    joints: mainJoints,
    meta: {
      id: raw.id,
      index,
      imageWidth: raw.image.width,
      imageHeight: raw.image.height,
      imageToCrop,
      cropToImage,
      originalJoints: main.joints.slice(),
      flipped: aug.flip,
      scale: Math.hypot(imageToCrop[0], imageToCrop[3]),
      rotation: aug.rotation,
    },
  };
}

/** Training preprocessing: draw the augmentation from `rng`, then preprocess. */
export function augmentSample(raw: RawSample, rng: Rng, opts: PreprocessOptions & { augment?: AugmentOptions }, index = 0): Sample {
  return preprocess(raw, sampleAugment(rng, opts.augment), opts, index);
}

/** Evaluation preprocessing: no augmentation, optional scale multiplier (the test-time scale search). */
export function preprocessForEval(raw: RawSample, opts: PreprocessOptions, scaleMult = 1, index = 0): Sample {
  return preprocess(raw, noAugment(scaleMult), opts, index);
}

/** Joints into the crop; when mirrored, left and right labels swap so channel j is still joint j. */
function cropJoints(joints: Float32Array, imageToCrop: Affine, flip: boolean): Float32Array {
  const t = transformJoints(imageToCrop, joints);
  return flip ? reorderJoints(t, FLIP_PARTNER) : t;
}
