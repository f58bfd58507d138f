// The data records that flow from datasets through preprocessing into batches.
import type { Affine } from '../pose/affine.js';
import type { RgbImage } from './image.js';

/**
 * One annotated person. `joints` is 14×3 in CPM order (pose/joints.ts): x, y in 0-based pixels of the
 * original image, and a flag: 1 = annotated (visible or occluded with a location), 0 = no annotation.
 * `center` is the person's objpos (0-based pixels); `scale` is MPII-style: person height in px / 200.
 */
export interface Person {
  joints: Float32Array;
  center: [number, number];
  scale: number;
}

/** A decoded image with its people; `main` is the person the crop is centred on. */
export interface RawSample {
  id: string;
  image: RgbImage;
  persons: Person[];
  main: number;
}

/** What the crop did, so predictions can be mapped back to the original image. */
export interface SampleMeta {
  /** The sample's name, e.g. the image file. */
  id: string;
  /** Index in the dataset it came from. */
  index: number;
  imageWidth: number;
  imageHeight: number;
  /** Original image pixels → crop pixels (both 0-based). */
  imageToCrop: Affine;
  /** Crop pixels → original image pixels. */
  cropToImage: Affine;
  /**
   * Ground truth of the centred person in original image pixels (0-based), CPM order, flag as in Person.
   * Not flipped: when `flipped`, crop joint j is original joint FLIP_PARTNER[j].
   */
  originalJoints: Float32Array;
  flipped: boolean;
  /** Total scale factor (original px → crop px) and rotation in degrees that were applied. */
  scale: number;
  rotation: number;
}

/**
 * A preprocessed sample at crop size S (grid G = S/8, P = 14 joints):
 * - image: 3×S×S CHW, BGR by default, v/256 − 0.5 (padding 128 → 0)
 * - center: S×S Gaussian (σ = 21·S/368) at the crop centre, peak 1
 * - target: (P+1)×G×G, the centred person's joints + background (stages ≥ 2)
 * - targetAll: (P+1)×G×G, every annotated person in the crop + background (stage 1)
 * - joints: P×3, x, y in crop pixels, flag 1 annotated / 0 not
 */
export interface Sample {
  size: number;
  grid: number;
  image: Float32Array;
  center: Float32Array;
  target: Float32Array;
  targetAll: Float32Array;
  joints: Float32Array;
  meta: SampleMeta;
}

/** N samples with every array concatenated in sample order (N×3×S×S, N×S×S, N×(P+1)×G×G, N×P×3). */
export interface Batch extends Omit<Sample, 'meta'> {
  n: number;
  meta: SampleMeta[];
}
