// From an image to keypoints in its own pixels: crop(s) around the person, forward without
// gradients, beliefs summed over the test-time scales in the base crop's frame, then argmax
// (optionally sub-pixel) mapped back through the crop's inverse affine (docs/data-and-evaluation.md#testing).
import { noGrad } from '../autograd/graph.js';
import { preprocessForEval, type PreprocessOptions } from '../data/preprocess.js';
import type { RgbImage } from '../data/image.js';
import type { Person, RawSample, Sample } from '../data/types.js';
import { keypointsFromBeliefs, type SubpixelMethod } from '../eval/keypoints.js';
import type { Pose } from '../eval/types.js';
import { upsampleMaps, type UpsampleMethod } from '../eval/upsample.js';
import type { Engine } from '../tensor/engine.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';

/** What inference needs of a model: beliefs per stage, [N, P+1, S/8, S/8] each, for image [N,3,S,S] and center [N,1,S,S]. */
export interface BeliefModel {
  readonly engine: Engine;
  readonly inputSize: number;
  forward(image: Tensor, center: Tensor, opts: { training: false }): Tensor[];
}

export interface PredictOptions extends Partial<PreprocessOptions> {
  /** Test-time scale multipliers; the reference searches 0.7…1.3 in steps of 0.1. Default [1]. */
  scales?: number[];
  /** Upsample beliefs to the crop before the argmax ('none' takes the argmax on the stride-8 grid). Default 'bilinear'. */
  upsample?: UpsampleMethod | 'none';
  subpixel?: SubpixelMethod;
}

export interface PosePredictionResult {
  /** Last stage's joints in original image pixels (0-based), CPM order. */
  pose: Pose;
  scores: number[];
  /** Every stage's joints (for per-stage accuracy), from the same scales. */
  stages: Pose[];
  /** Beliefs per stage at the base scale, (P+1)×G×G each, for pictures. */
  beliefs: Float32Array[];
  /** The base-scale crop, for pictures. */
  sample: Sample;
}

export const REFERENCE_SCALES = [0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3];

/** Runs the model once on one preprocessed sample; returns each stage's beliefs. */
async function beliefsFor(model: BeliefModel, sample: Sample): Promise<Float32Array[]> {
  const S = sample.size;
  const outputs = noGrad(model.engine, () =>
    model.engine.tidy(() => {
      const image = fromArray(model.engine, sample.image, [1, 3, S, S], 'image');
      const center = fromArray(model.engine, sample.center, [1, 1, S, S], 'center');
      return model.forward(image, center, { training: false });
    }),
  );
  try {
    return await Promise.all(outputs.map((t) => t.read()));
  } finally {
    for (const t of outputs) t.dispose();
  }
}

/**
 * Maps beliefs of a crop made at scale multiplier m into the base crop's pixel frame (stride 1).
 * Both crops are centred on the same point, so base pixel p sits at m·(p − c) + c in crop m.
 */
function toBaseFrame(maps: Float32Array, channels: number, grid: number, size: number, m: number, method: UpsampleMethod): Float32Array {
  const up = upsampleMaps(maps, { channels, height: grid, width: grid }, size / grid, { method });
  if (m === 1) return up;
  const out = new Float32Array(channels * size * size);
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    const sy = m * (y - c) + c;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = m * (x - c) + c;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      if (x0 < 0 || y0 < 0 || x0 + 1 >= size || y0 + 1 >= size) continue; // outside crop m: no evidence
      for (let ch = 0; ch < channels; ch++) {
        const base = ch * size * size;
        const v00 = up[base + y0 * size + x0]!,
          v01 = up[base + y0 * size + x0 + 1]!;
        const v10 = up[base + (y0 + 1) * size + x0]!,
          v11 = up[base + (y0 + 1) * size + x0 + 1]!;
        out[base + y * size + x] = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy;
      }
    }
  }
  return out;
}

/** Predicts the pose of `raw`'s main person (its centre and scale place the crop). */
export async function predictPose(model: BeliefModel, raw: RawSample, opts: PredictOptions = {}): Promise<PosePredictionResult> {
  const size = opts.size ?? model.inputSize;
  const scales = opts.scales ?? [1];
  const upsample = opts.upsample ?? 'bilinear';
  if (upsample === 'none' && scales.some((m) => m !== 1)) throw new Error('predictPose: a multi-scale search needs upsample "bilinear" or "bicubic"');
  const prep: PreprocessOptions = { ...opts, size };
  const base = preprocessForEval(raw, prep, 1);
  const grid = base.grid;
  let baseBeliefs: Float32Array[] = [];
  let summed: Float32Array[] | null = null;
  for (const m of scales) {
    const sample = m === 1 ? base : preprocessForEval(raw, prep, m);
    const stages = await beliefsFor(model, sample);
    if (m === 1) baseBeliefs = stages;
    const channels = stages[0]!.length / (grid * grid);
    const framed = upsample === 'none' ? stages : stages.map((b) => toBaseFrame(b, channels, grid, size, m, upsample));
    if (!summed) summed = framed;
    else
      summed.forEach((acc, t) => {
        framed[t]!.forEach((v, i) => {
          acc[i]! += v;
        });
      });
  }
  if (baseBeliefs.length === 0) baseBeliefs = await beliefsFor(model, base);
  const mapSize = upsample === 'none' ? grid : size;
  const stride = upsample === 'none' ? size / grid : 1;
  const stagePoses = summed!.map((maps) => {
    const channels = maps.length / (mapSize * mapSize);
    return keypointsFromBeliefs(maps, { channels, height: mapSize, width: mapSize }, base.meta.imageToCrop, { stride, subpixel: opts.subpixel ?? 'none' });
  });
  const last = stagePoses[stagePoses.length - 1]!;
  return { pose: last.pose, scores: last.scores, stages: stagePoses.map((s) => s.pose), beliefs: baseBeliefs, sample: base };
}

/**
 * One pose per person in `image`, each from a crop centred on that person at its scale (a box or a
 * centre and height; see personFromBox / personFromCenterHeight). Stage 1 sees everyone in the crop;
 * the center map tells the later stages which person is meant.
 */
export async function predictPeople(
  model: BeliefModel,
  image: RgbImage,
  people: readonly Person[],
  opts: PredictOptions & { id?: string } = {},
): Promise<PosePredictionResult[]> {
  const raw: RawSample = { id: opts.id ?? 'image', image, persons: [...people], main: 0 };
  const out: PosePredictionResult[] = [];
  for (let main = 0; main < people.length; main++) out.push(await predictPose(model, { ...raw, main }, opts));
  return out;
}
