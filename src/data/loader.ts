// Shuffled, batched, prefetched iteration over a dataset. This module is pure (browser-safe) and
// runs batches in-process; node/loader.ts adds worker threads with the same batch plan, so a
// seed gives the same batches whatever the worker count or timing.
import type { AugmentOptions } from './augment.js';
import { makeBatch, type BatchJob, type BatchResult, type SampleConfig } from './batch.js';
import type { PoseDataset } from './dataset.js';
import { DataError, type SkippedSample } from './errors.js';
import { checkSize } from './preprocess.js';
import { mixSeed, permutation } from './rng.js';
import type { Batch } from './types.js';
import type { ChannelOrder } from './warp.js';

export interface LoaderOptions {
  dataset: PoseDataset;
  batchSize: number;
  /** Crop size S (multiple of 8). */
  size: number;
  /** true (default): the paper's augmentation; an object to change its ranges; false: evaluation preprocessing. */
  augment?: boolean | AugmentOptions;
  /** Scale multiplier when augment is false (default 1). */
  evalScale?: number;
  seed?: number;
  /** Shuffle every epoch (default: true when augmenting, false otherwise). */
  shuffle?: boolean;
  /** Number of passes; default 1. Infinity for an endless stream. */
  epochs?: number;
  /** Drop the last partial batch of an epoch (default: true when shuffling). */
  dropLast?: boolean;
  /** Worker threads (Node only; the pure loader ignores it and runs in-process). Default 0. */
  workers?: number;
  /** Batches made ahead of the consumer; default max(2, 2·workers). */
  prefetch?: number;
  order?: ChannelOrder;
  sigma?: number;
  centerSigma?: number;
  /** Replace samples that fail to load by the next good one and report them. */
  skipBad?: boolean;
  /** First global batch to yield (batches are a pure function of their index, so a resumed run continues the same stream). */
  startBatch?: number;
}

export interface LoaderStats {
  batches: number;
  samples: number;
  /** Seconds since the first batch was requested. */
  elapsedS: number;
  /** Samples delivered per second of wall time (bounded by how fast the consumer asks). */
  samplesPerS: number;
  /** Seconds of compute spent making samples (summed over workers). */
  busyS: number;
  /** What the producers can sustain: samples per busy second × number of producers. */
  capacitySamplesPerS: number;
}

export interface Loader extends AsyncIterable<Batch> {
  readonly dataset: PoseDataset;
  readonly batchesPerEpoch: number;
  /** Total batches this loader yields (Infinity when endless). */
  readonly totalBatches: number;
  stats(): LoaderStats;
  /** Samples that failed to load and were replaced (skipBad), plus those dropped when opening. */
  skipped(): SkippedSample[];
  close(): Promise<void>;
}

/** Something that makes batches: in-process, or a pool of workers. */
export interface BatchProducer {
  readonly parallelism: number;
  produce(job: BatchJob): Promise<BatchResult>;
  close(): Promise<void>;
}

export function sampleConfig(o: LoaderOptions): SampleConfig {
  checkSize(o.size);
  const augment = o.augment === undefined || o.augment === true ? {} : o.augment;
  return {
    size: o.size,
    order: o.order,
    sigma: o.sigma,
    centerSigma: o.centerSigma,
    augment,
    evalScale: o.evalScale,
    skipBad: o.skipBad ?? false,
  };
}

/** The batch plan: which samples, with which seeds, make up global batch k. */
export class BatchPlan {
  readonly batchesPerEpoch: number;
  private permCache: { epoch: number; perm: Uint32Array } | null = null;
  constructor(
    readonly length: number,
    readonly batchSize: number,
    readonly seed: number,
    readonly shuffle: boolean,
    readonly dropLast: boolean,
  ) {
    this.batchesPerEpoch = dropLast ? Math.floor(length / batchSize) : Math.ceil(length / batchSize);
  }
  job(k: number): BatchJob {
    const epoch = Math.floor(k / this.batchesPerEpoch);
    const b = k % this.batchesPerEpoch;
    const perm = this.perm(epoch);
    const from = b * this.batchSize,
      to = Math.min(from + this.batchSize, this.length);
    const indices: number[] = [],
      seeds: number[] = [];
    for (let p = from; p < to; p++) {
      indices.push(perm ? perm[p]! : p);
      seeds.push(mixSeed(this.seed, epoch, p, 0x5a3));
    }
    return { k, indices, seeds };
  }
  private perm(epoch: number): Uint32Array | null {
    if (!this.shuffle) return null;
    if (this.permCache?.epoch !== epoch) this.permCache = { epoch, perm: permutation(this.length, mixSeed(this.seed, epoch, 0x9e1)) };
    return this.permCache.perm;
  }
}

/** Batches computed on the calling thread, one at a time, giving the event loop turns in between. */
export function inProcessProducer(dataset: PoseDataset, cfg: SampleConfig): BatchProducer {
  let chain: Promise<unknown> = Promise.resolve();
  const breathe = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
  return {
    parallelism: 1,
    produce(job) {
      const p = chain.then(() => makeBatch(dataset, job, cfg, breathe));
      chain = p.catch(() => undefined);
      return p;
    },
    close: async () => undefined,
  };
}

/** A loader around any producer (shared by the in-process and the worker loaders). */
export function loaderWith(o: LoaderOptions, producer: BatchProducer): Loader {
  const ds = o.dataset;
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new DataError('batchSize', `must be a positive integer, got ${o.batchSize}`);
  const shuffle = o.shuffle ?? o.augment !== false;
  const dropLast = o.dropLast ?? shuffle;
  if (dropLast && ds.length < o.batchSize) throw new DataError('batchSize', `${o.batchSize} is larger than the dataset (${ds.length} samples) with dropLast`);
  const plan = new BatchPlan(ds.length, o.batchSize, o.seed ?? 0, shuffle, dropLast);
  const epochs = o.epochs ?? 1;
  const total = epochs === Infinity ? Infinity : epochs * plan.batchesPerEpoch;
  const prefetch = Math.max(1, o.prefetch ?? Math.max(2, 2 * producer.parallelism));
  const skipped: SkippedSample[] = [...ds.skipped];
  const seen = new Set<string>();
  let batches = 0,
    samples = 0,
    busyMs = 0,
    started = 0;
  let closed = false;
  const pending = new Map<number, Promise<BatchResult>>();
  let next = o.startBatch ?? 0; // next batch number to request

  const request = (): void => {
    while (next < total && pending.size < prefetch) {
      const k = next++;
      const p = producer.produce(plan.job(k));
      p.catch(() => undefined); // surfaced when the consumer reaches batch k
      pending.set(k, p);
    }
  };

  return {
    dataset: ds,
    batchesPerEpoch: plan.batchesPerEpoch,
    totalBatches: total,
    async *[Symbol.asyncIterator]() {
      if (started !== 0) throw new Error('a Loader can be iterated only once; create a new one (same seed → same batches)');
      started = performance.now();
      for (let k = o.startBatch ?? 0; k < total && !closed; k++) {
        request();
        const p = pending.get(k)!;
        const r = await p;
        pending.delete(k);
        for (const s of r.skipped) {
          const key = `${s.index}:${s.source}`;
          if (!seen.has(key)) {
            seen.add(key);
            skipped.push(s);
          }
        }
        batches++;
        samples += r.batch.n;
        busyMs += r.busyMs;
        request();
        yield r.batch;
      }
    },
    stats() {
      const elapsedS = started ? (performance.now() - started) / 1000 : 0;
      const busyS = busyMs / 1000;
      return {
        batches,
        samples,
        elapsedS,
        busyS,
        samplesPerS: elapsedS > 0 ? samples / elapsedS : 0,
        capacitySamplesPerS: busyS > 0 ? (samples / busyS) * producer.parallelism : 0,
      };
    },
    skipped: () => skipped.slice(),
    async close() {
      closed = true;
      await producer.close();
    },
  };
}

/** The in-process loader (what the browser uses). */
export function createInProcessLoader(o: LoaderOptions): Loader {
  return loaderWith(o, inProcessProducer(o.dataset, sampleConfig(o)));
}
