// Building one batch: load, augment and preprocess each sample, concatenated in order.
import type { AugmentOptions } from './augment.js';
import { noAugment, sampleAugment } from './augment.js';
import type { PoseDataset } from './dataset.js';
import { DataError, type SkippedSample } from './errors.js';
import { NUM_CHANNELS, NUM_JOINTS } from '../pose/joints.js';
import { preprocess, type PreprocessOptions } from './preprocess.js';
import { Rng } from './rng.js';
import type { Batch, RawSample, Sample } from './types.js';

/** Everything that decides how a sample is turned into tensors (plain data, sent to workers). */
export interface SampleConfig extends PreprocessOptions {
  /** Random augmentation options, or false for evaluation preprocessing. */
  augment: AugmentOptions | false;
  /** Scale multiplier used when augment is false. */
  evalScale?: number;
  skipBad: boolean;
}

/** One batch to make: dataset indices and a seed per sample. */
export interface BatchJob {
  /** Global batch number (epoch · batchesPerEpoch + b). */
  k: number;
  indices: number[];
  seeds: number[];
}

export interface BatchResult {
  batch: Batch;
  skipped: SkippedSample[];
  /** Milliseconds of compute spent on this batch. */
  busyMs: number;
}

export function allocateBatch(n: number, size: number): Batch {
  const g = size / 8;
  return {
    n,
    size,
    grid: g,
    image: new Float32Array(n * 3 * size * size),
    center: new Float32Array(n * size * size),
    target: new Float32Array(n * NUM_CHANNELS * g * g),
    targetAll: new Float32Array(n * NUM_CHANNELS * g * g),
    joints: new Float32Array(n * NUM_JOINTS * 3),
    meta: [],
  };
}

/** Put sample s at position i of the batch. */
export function placeSample(b: Batch, i: number, s: Sample): void {
  b.image.set(s.image, i * s.image.length);
  b.center.set(s.center, i * s.center.length);
  b.target.set(s.target, i * s.target.length);
  b.targetAll.set(s.targetAll, i * s.targetAll.length);
  b.joints.set(s.joints, i * s.joints.length);
  b.meta[i] = s.meta;
}

/** Concatenate samples into a batch. */
export function collate(samples: readonly Sample[]): Batch {
  if (samples.length === 0) throw new DataError('samples', 'cannot make a batch of zero samples');
  const b = allocateBatch(samples.length, samples[0]!.size);
  samples.forEach((s, i) => {
    placeSample(b, i, s);
  });
  return b;
}

/**
 * Load dataset[index]; with skipBad a bad sample is replaced by the next good one (index + 1, …),
 * which is deterministic because the same files fail the same way every time.
 */
export async function loadOrSubstitute(ds: PoseDataset, index: number, skipBad: boolean, skipped: SkippedSample[]): Promise<{ raw: RawSample; index: number }> {
  for (let t = 0; t < ds.length; t++) {
    const i = (index + t) % ds.length;
    try {
      return { raw: await ds.load(i), index: i };
    } catch (e) {
      if (!skipBad || !(e instanceof DataError)) throw e;
      skipped.push({ index: i, source: e.source, reason: e.message });
    }
  }
  throw new DataError(ds.name, 'every sample failed to load');
}

/** Make one sample: load (with substitution), draw its augmentation from its seed, preprocess. */
export async function makeSample(ds: PoseDataset, index: number, seed: number, cfg: SampleConfig, skipped: SkippedSample[]): Promise<Sample> {
  const { raw, index: used } = await loadOrSubstitute(ds, index, cfg.skipBad, skipped);
  const aug = cfg.augment === false ? noAugment(cfg.evalScale ?? 1) : sampleAugment(new Rng(seed), cfg.augment);
  return preprocess(raw, aug, cfg, used);
}

/** Make a whole batch. `yieldEvery` lets in-process callers give the event loop a turn between samples. */
export async function makeBatch(ds: PoseDataset, job: BatchJob, cfg: SampleConfig, yieldEvery?: () => Promise<void>): Promise<BatchResult> {
  const skipped: SkippedSample[] = [];
  const b = allocateBatch(job.indices.length, cfg.size);
  let busyMs = 0;
  for (let i = 0; i < job.indices.length; i++) {
    const t0 = performance.now();
    placeSample(b, i, await makeSample(ds, job.indices[i]!, job.seeds[i]!, cfg, skipped));
    busyMs += performance.now() - t0;
    if (yieldEvery) await yieldEvery();
  }
  return { batch: b, skipped, busyMs };
}

/** Transferable buffers of a batch (for postMessage without copying). */
export function batchBuffers(b: Batch): ArrayBuffer[] {
  return [b.image, b.center, b.target, b.targetAll, b.joints].map((a) => a.buffer as ArrayBuffer);
}
