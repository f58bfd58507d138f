// The built-in generated people as a dataset: sample i is a pure function of (seed, split, i).
import { personFromJointBox } from '../annotation.js';
import type { GeneratedSpec, PoseDataset, Split } from '../dataset.js';
import { DataError } from '../errors.js';
import { NUM_JOINTS } from '../../pose/joints.js';
import { mixSeed, Rng } from '../rng.js';
import type { RawSample } from '../types.js';
import { renderScene } from './scene.js';
import type { Skeleton } from './pose.js';

export interface GeneratedOptions {
  seed?: number;
  /** Dataset length (samples are made on demand, never stored). Default 100 000. */
  count?: number;
  /** Side of the generated images in pixels; default 256. */
  imageSize?: number;
  /** 'val'/'test' draw from a different random stream than 'train'/'all'. */
  split?: Split;
}

export function generatedSpec(opts: GeneratedOptions = {}): GeneratedSpec {
  const spec: GeneratedSpec = {
    kind: 'generated',
    seed: opts.seed ?? 0,
    count: opts.count ?? 100_000,
    imageSize: opts.imageSize ?? 256,
    split: opts.split ?? 'train',
  };
  if (!Number.isInteger(spec.count) || spec.count < 1) throw new DataError('count', `must be a positive integer, got ${spec.count}`);
  if (!Number.isInteger(spec.imageSize) || spec.imageSize < 32) throw new DataError('imageSize', `must be an integer ≥ 32, got ${spec.imageSize}`);
  return spec;
}

const STREAM: Record<Split, number> = { train: 0, all: 0, val: 1, test: 2 };

/** Annotation of a generated skeleton: every joint inside the image is annotated. */
function annotate(k: Skeleton, size: number): Float32Array {
  const joints = new Float32Array(NUM_JOINTS * 3);
  k.forEach(([x, y], j) => {
    joints[j * 3] = x;
    joints[j * 3 + 1] = y;
    joints[j * 3 + 2] = x >= 0 && y >= 0 && x <= size - 1 && y <= size - 1 ? 1 : 0;
  });
  return joints;
}

/** Render generated sample i (deterministic). */
export function generateSample(spec: GeneratedSpec, i: number): RawSample {
  const id = `gen-${spec.split}-${spec.seed}-${i}`;
  const rng = new Rng(mixSeed(spec.seed, STREAM[spec.split], i));
  const scene = renderScene(rng, { imageSize: spec.imageSize });
  const [main, ...others] = scene.people.map((k) => annotate(k, spec.imageSize));
  const persons = [personFromJointBox(main!, id)];
  for (const joints of others) {
    // A second person almost wholly outside the picture (too few joints inside to place) is left unannotated, as a dataset would.
    try {
      persons.push(personFromJointBox(joints, id));
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
  }
  return { id, image: scene.image, persons, main: 0 };
}

export function openGeneratedDataset(opts: GeneratedOptions | GeneratedSpec = {}): PoseDataset {
  const spec = 'kind' in opts ? opts : generatedSpec(opts);
  return {
    name: `generated people (seed ${spec.seed}, ${spec.split}, ${spec.count} samples, ${spec.imageSize}px)`,
    length: spec.count,
    spec,
    skipped: [],
    id: (i) => `gen-${spec.split}-${spec.seed}-${i}`,
    load: async (i) => generateSample(spec, i),
  };
}
