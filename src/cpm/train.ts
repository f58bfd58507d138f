// Training with intermediate supervision (docs/training.md): the paper's SGD recipe or Adam,
// gradient accumulation, the paper's training strategies (Fig. 8b), a JSONL log of every step, loss
// curves, atomic checkpoints and exact resume. Same seed and adapter → the same loss curve.
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backward, noGrad } from '../autograd/graph.js';
import { createLoader, openDataset } from '../data/index.js';
import type { AugmentOptions } from '../data/augment.js';
import type { Batch } from '../data/types.js';
import type { SkippedSample } from '../data/errors.js';
import { appendLine, makeFolder, writeFileAtomic } from '../io/files.js';
import { lockFolder } from '../io/lock.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer, ParamGroup } from '../optim/optimizer.js';
import { multiStepSchedule, stepSchedule } from '../optim/schedule.js';
import { SGD } from '../optim/sgd.js';
import { add, scale } from '../shaders/elementwise/elementwise.js';
import { sum } from '../shaders/reduce/reduce.js';
import type { Engine } from '../tensor/engine.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { renderLineChart } from '../viz/chart.js';
import { encodePng } from '../viz/png.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import type { LoadedCheckpoint } from './checkpoint.js';
import type { CpmConfig } from './config.js';
import { initParams } from './finetune.js';
import { gradientRecord } from './gradients.js';
import { CpmModel } from './model.js';
import { enableConv2dAutotune } from '../shaders/conv2d/tuning.js';
import { conv2dTuningPending, tuneConv2d } from '../shaders/conv2d/autotune.js';
import { defaultTuningFile, fileTuningStore } from '../shaders/conv2d/tuning-file.js';

export type Strategy = 'e2e' | 'last-stage' | 'stagewise' | 'stagewise-finetune';

export interface TrainOptions {
  config: CpmConfig;
  /** Dataset folder; undefined = the built-in generated people. */
  dataset?: string;
  /** 1-based inclusive entries of the folder used for training (e.g. [1, 2500] of LSPet). */
  range?: [number, number];
  steps: number;
  batchSize: number;
  /** Images per forward/backward; the batch's gradients are accumulated (default: the whole batch). */
  microBatch?: number;
  optimizer?: 'adam' | 'sgd';
  lr?: number;
  weightDecay?: number;
  /** Multiply the lr by gamma every stepSize steps (SGD) or once at stepSize (Adam). */
  stepSize?: number;
  gamma?: number;
  strategy?: Strategy;
  out: string;
  resume?: boolean;
  seed?: number;
  checkpointEvery?: number;
  workers?: number;
  /** Joint Gaussian σ in input pixels (default 7·S/368). */
  sigma?: number;
  /** Every this many steps, write each layer's gradient-magnitude histogram to gradients.jsonl (the paper's Fig. 9). */
  gradientsEvery?: number;
  /** The paper's augmentation (default), other ranges, or none (false). */
  augment?: boolean | AugmentOptions;
  /** No progress bar. */
  quiet?: boolean;
  /** Leave out samples whose image or annotation cannot be used (each reported once) instead of stopping. */
  skipBad?: boolean;
  /** Time each conv2d kernel variant on every layer shape after the first step and keep the fastest (cached on disk per adapter). */
  autotune?: boolean;
  /** Fine-tuning: start from this checkpoint's parameters (any checkpoint; see initParams). */
  initFrom?: string;
  /** With initFrom: start the output convs afresh when the checkpoint's joint count differs. */
  reinitOutputs?: boolean;
  /** Resume even when the configuration, batch, seed, strategy, dataset or range differ from the checkpoint's. */
  resumeAnyway?: boolean;
  /** Aborted (reason: the signal's name): save a checkpoint at the current step and throw TrainingInterrupted. */
  signal?: AbortSignal;
}

/** Training stopped on request after writing its checkpoint; `exitCode` is the shell's 128 + signal number. */
export class TrainingInterrupted extends Error {
  readonly exitCode: number;
  constructor(readonly reason: string, readonly step: number, readonly checkpoint: string | null) {
    super(`${reason}: training stopped at step ${step}; ${checkpoint ? `checkpoint written to ${checkpoint}` : 'no step was taken, nothing written'}`);
    this.exitCode = reason === 'SIGTERM' ? 143 : 130;
  }
}

/** A non-finite loss or gradient: training stops before anything non-finite is written. */
export class TrainingDiverged extends Error {}

export interface StepRecord {
  step: number;
  images: number;
  loss: number;
  stages: number[];
  lr: number;
  /** Since the run (or resume) started, pipeline compilation included. */
  imagesPerSecond: number;
  elapsedSeconds: number;
  /** This step alone: the first steps compile pipelines, later ones show the steady rate. */
  stepSeconds: number;
}

/** The paper's multipliers: stage-1 convs ×5 (biases ×10), others ×1 (biases ×2); no decay on biases. */
export function paperGroups(model: CpmModel): ParamGroup[] {
  const groups: ParamGroup[] = [];
  for (const [name, p] of model.params) {
    const stage1 = name.startsWith('stage1.');
    const bias = name.endsWith('.bias');
    groups.push({ params: [p], lrMult: (stage1 ? 5 : 1) * (bias ? 2 : 1), decayMult: bias ? 0 : 1 });
  }
  return groups;
}

/** Adam as in the CPU calibration (docs/training.md#recipes): no lr multipliers, L2 decay on weights only. */
export function plainGroups(model: CpmModel): ParamGroup[] {
  const weights = [...model.params.entries()].filter(([n]) => n.endsWith('.weight')).map(([, p]) => p);
  const biases = [...model.params.entries()].filter(([n]) => n.endsWith('.bias')).map(([, p]) => p);
  return [{ params: weights }, { params: biases, decayMult: 0 }];
}

export function makeOptimizer(model: CpmModel, o: TrainOptions): Optimizer {
  const kind = o.optimizer ?? (o.config.name === 'paper' || o.config.name === 'flic' ? 'sgd' : 'adam');
  if (kind === 'sgd') {
    return new SGD(paperGroups(model), {
      lr: o.lr ?? 8e-5, momentum: 0.9, weightDecay: o.weightDecay ?? 5e-4,
      schedule: stepSchedule({ gamma: o.gamma ?? 0.333, stepSize: o.stepSize ?? 136106 }),
    });
  }
  return new Adam(plainGroups(model), {
    lr: o.lr ?? 1e-3, weightDecay: o.weightDecay ?? 5e-4,
    schedule: multiStepSchedule([o.stepSize ?? 4750], o.gamma ?? 0.333),
  });
}

/** Which stage is trained at `step` and which parameters move, per strategy. */
export function phase(strategy: Strategy, step: number, steps: number, stages: number): { stage: number | null; trainable: (name: string) => boolean } {
  const stagewise = (s: number, total: number) => {
    const stage = Math.min(stages, Math.floor((s * stages) / total) + 1);
    const owns = (name: string) => name.startsWith(`stage${stage}.`) || (stage === 2 && name.startsWith('trunk.'));
    return { stage, trainable: owns };
  };
  if (strategy === 'stagewise') return stagewise(step, steps);
  if (strategy === 'stagewise-finetune' && step < steps / 2) return stagewise(step, Math.ceil(steps / 2));
  return { stage: null, trainable: () => true };
}

function uploadBatch(engine: Engine, b: Batch, from: number, count: number, P1: number): { image: Tensor; center: Tensor; target: Tensor; targetAll: Tensor } {
  const S = b.size, G = b.grid;
  const part = (a: Float32Array, per: number) => a.subarray(from * per, (from + count) * per);
  return {
    image: fromArray(engine, part(b.image, 3 * S * S), [count, 3, S, S], 'image'),
    center: fromArray(engine, part(b.center, S * S), [count, 1, S, S], 'center'),
    target: fromArray(engine, part(b.target, P1 * G * G), [count, P1, G, G], 'target'),
    targetAll: fromArray(engine, part(b.targetAll, P1 * G * G), [count, P1, G, G], 'targetAll'),
  };
}

/** One optimisation step over a batch (accumulating micro-batches); returns the batch's per-stage losses. */
export async function trainStep(
  model: CpmModel, optimizer: Optimizer, batch: Batch,
  o: { microBatch: number; strategy: Strategy; step: number; steps: number; seed: number; beforeUpdate?: (losses: number[]) => Promise<void> },
): Promise<number[]> {
  const engine = model.engine;
  const T = model.config.stages;
  const { stage, trainable } = phase(o.strategy, o.step, o.steps, T);
  model.setTrainable(trainable);
  optimizer.zeroGrad();
  const sums = new Array<number>(stage ?? T).fill(0);
  for (let from = 0, k = 0; from < batch.n; from += o.microBatch, k++) {
    const count = Math.min(o.microBatch, batch.n - from);
    const { losses, total } = engine.tidy(() => {
      const x = uploadBatch(engine, batch, from, count, model.config.joints + 1);
      const beliefs = model.forward(x.image, x.center, { training: true, dropoutSeed: o.seed * 1_000_003 + o.step * 64 + k, stages: stage ?? T });
      const l = model.losses(beliefs, x.target, x.targetAll, { lastStageOnly: o.strategy === 'last-stage', stages: stage ? [stage] : undefined });
      // Each micro-batch's loss is normalised by its own size; weight it so the sum is the batch's loss.
      return { losses: l.stages, total: scale(l.total, count / batch.n) };
    });
    backward(total);
    total.dispose();
    const values = await Promise.all(losses.map((l) => l.item()));
    values.forEach((v, t) => (sums[t]! += (v * count) / batch.n));
    losses.forEach((l) => l.dispose());
  }
  await o.beforeUpdate?.(sums);
  noGrad(engine, () => optimizer.step());
  return sums;
}

/** The bar shows the rate of the last few steps (the first ones are slowed by compilation). */
function progress(r: StepRecord, recent: StepRecord[], steps: number, quiet: boolean): void {
  if (quiet) return;
  const width = 24;
  const done = Math.round((width * r.step) / steps);
  const window = recent.slice(-10);
  const seconds = window.reduce((a, x) => a + x.stepSeconds, 0);
  const rate = seconds > 0 ? (window.length * (r.images / r.step)) / seconds : 0;
  const eta = seconds > 0 ? ((steps - r.step) * seconds) / window.length : 0;
  const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  const line = `step ${r.step}/${steps} [${'='.repeat(done)}${' '.repeat(width - done)}] ${rate.toFixed(1)} img/s ETA ${mmss(eta)} loss ${r.loss.toFixed(3)} | ${r.stages.map((v, i) => `s${i + 1} ${v.toFixed(3)}`).join(' ')}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${r.step === steps ? '\n' : ''}`);
  else if (r.step === 1 || r.step === steps || r.step % Math.max(1, Math.floor(steps / 20)) === 0) process.stderr.write(`${line}\n`);
}

/** Loss curves per stage from the JSONL log, as a PNG; a step logged twice (a run resumed from before it) counts once, the last time. */
export function writeLossCurves(logPath: string, pngPath: string): void {
  const byStep = new Map<number, StepRecord>();
  for (const l of readFileSync(logPath, 'utf8').split('\n')) if (l) { const r = JSON.parse(l) as StepRecord; byStep.set(r.step, r); }
  const records = [...byStep.values()];
  if (records.length === 0) return;
  const stages = records[0]!.stages.length;
  const series = Array.from({ length: stages }, (_, t) => ({ name: `stage ${t + 1}`, x: records.map((r) => r.step), y: records.map((r) => r.stages[t] ?? NaN) }));
  series.push({ name: 'total', x: records.map((r) => r.step), y: records.map((r) => r.loss) });
  writeFileAtomic(pngPath, encodePng(renderLineChart(series, { title: 'training loss per stage', xLabel: 'step', yLabel: 'L2 loss', logY: true })));
}

export interface TrainResult {
  model: CpmModel;
  optimizer: Optimizer;
  records: StepRecord[];
  checkpoint: string;
  /** The step training started from (the checkpoint's when resuming). */
  startStep: number;
  /** Samples left out with skipBad. */
  skipped: SkippedSample[];
}

/** What a resumed run must share with the run that wrote the checkpoint to continue it exactly. */
function trainerRecord(o: TrainOptions): Record<string, unknown> {
  return { seed: o.seed ?? 0, strategy: o.strategy ?? 'e2e', batchSize: o.batchSize, dataset: o.dataset ? resolve(o.dataset) : 'generated', range: o.range ?? null, ...(o.initFrom ? { initFrom: o.initFrom } : {}) };
}

/** The fields that differ, as "name: checkpoint X, now Y" (fields an older checkpoint did not record are not compared). */
function resumeMismatches(saved: LoadedCheckpoint, config: CpmConfig, now: Record<string, unknown>): string[] {
  const differ = Object.entries(now).filter(([k, v]) => k in saved.trainer && JSON.stringify(saved.trainer[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k}: checkpoint ${JSON.stringify(saved.trainer[k])}, now ${JSON.stringify(v)}`);
  if (JSON.stringify(saved.config) !== JSON.stringify(config)) differ.unshift(`config: checkpoint "${saved.config.name}" ${JSON.stringify(saved.config)}, now "${config.name}" ${JSON.stringify(config)}`);
  return differ;
}

/** A crash can leave half a line at the end of a log: cut it (and say so) so appended lines stay whole. */
function dropPartialLastLine(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
  console.warn(`${path}: dropped a partial last line (${Buffer.byteLength(text) - keep} bytes, from an interrupted write)`);
  truncateSync(path, keep);
}

/**
 * Sums every parameter's gradient on the GPU now, before the update consumes them, and
 * returns the verdict to await later, so the read overlaps the update: it throws TrainingDiverged
 * naming the first parameter whose gradient holds NaN or ±Inf.
 */
export function checkGradients(model: CpmModel, step: number): () => Promise<void> {
  const engine = model.engine;
  const named = [...model.params].filter(([, p]) => p.grad);
  const sums = noGrad(engine, () => engine.tidy(() => named.map(([, p]) => sum(p.grad!))));
  const total = noGrad(engine, () => engine.tidy(() => sums.reduce((a, b) => add(a, b))));
  const verdict = total.item();
  return async () => {
    try {
      if (Number.isFinite(await verdict)) return;
      for (let i = 0; i < named.length; i++) {
        const v = await sums[i]!.item();
        if (!Number.isFinite(v)) throw new TrainingDiverged(`training diverged at step ${step}: the gradient of "${named[i]![0]}" is not finite (its sum is ${v})`);
      }
    } finally {
      total.dispose();
      for (const t of sums) t.dispose();
    }
  };
}

/** Trains from scratch, or resumes from `out/checkpoint.safetensors` with `resume`. */
export async function train(engine: Engine, o: TrainOptions): Promise<TrainResult> {
  makeFolder(o.out);
  const lock = lockFolder(o.out);
  try {
    return await trainLocked(engine, o);
  } finally {
    lock.release();
  }
}

async function trainLocked(engine: Engine, o: TrainOptions): Promise<TrainResult> {
  const checkpoint = join(o.out, 'checkpoint.safetensors');
  const logPath = join(o.out, 'train.jsonl');
  const gradientsPath = join(o.out, 'gradients.jsonl');
  const seed = o.seed ?? 0;
  const strategy = o.strategy ?? 'e2e';
  const microBatch = Math.min(o.microBatch ?? o.batchSize, o.batchSize);
  const trainer = trainerRecord(o);
  const model = new CpmModel(engine, o.config, seed);
  const optimizer = makeOptimizer(model, o);
  let start = 0;
  if (o.resume) {
    if (!existsSync(checkpoint)) throw new Error(`resume: there is no checkpoint at ${checkpoint} (run without resume to start afresh)`);
    const ck = loadCheckpoint(checkpoint);
    const differ = resumeMismatches(ck, o.config, trainer);
    if (differ.length > 0 && !o.resumeAnyway) {
      throw new Error(`${checkpoint}: cannot continue this run exactly; it differs from the checkpoint in\n  ${differ.join('\n  ')}\n(pass resume-anyway to continue regardless)`);
    }
    for (const d of differ) console.warn(`resuming regardless: ${d}`);
    model.load(ck.params, checkpoint);
    optimizer.loadState(ck.optimizerState, ck.step);
    start = ck.step;
    // The logs are appended to, never rewritten; readers take the last record of a step.
    for (const path of [logPath, gradientsPath]) dropPartialLastLine(path);
  } else {
    if (o.initFrom) model.load(initParams(o.config, loadCheckpoint(o.initFrom), await model.read(), { reinitOutputs: o.reinitOutputs, source: o.initFrom }), o.initFrom);
    writeFileAtomic(logPath, '');
    if (o.gradientsEvery) writeFileAtomic(gradientsPath, '');
  }
  const size = o.config.inputSize;
  const dataset = openDataset(o.dataset, o.dataset ? { range: o.range, split: o.range ? undefined : 'train', skipBad: o.skipBad } : { seed, imageSize: Math.round(size * 1.25), split: 'train' });
  const loader = createLoader({ dataset, batchSize: o.batchSize, size, seed, workers: o.workers ?? 1, epochs: Infinity, startBatch: start, sigma: o.sigma, augment: o.augment, shuffle: true, skipBad: o.skipBad });
  let reported = 0;
  const reportSkipped = (): void => {
    for (const s of loader.skipped().slice(reported)) console.warn(`skipped sample ${s.index} (${s.source}): ${s.reason}`);
    reported = loader.skipped().length;
  };
  if (o.autotune) enableConv2dAutotune(engine, { store: fileTuningStore() });
  const records: StepRecord[] = [];
  let t0 = performance.now();
  let step = start;
  let previous = t0;
  const save = async (): Promise<void> => {
    await saveCheckpoint(checkpoint, model, optimizer, { step, trainer });
    writeLossCurves(logPath, join(o.out, 'loss.png'));
  };
  try {
    for await (const batch of loader) {
      if (step >= o.steps) break;
      if (o.signal?.aborted) {
        if (step > start) await save();
        throw new TrainingInterrupted(String(o.signal.reason), step, step > start ? checkpoint : null);
      }
      const every = o.gradientsEvery ?? 0;
      // Histograms at step 1 and every `every` steps: the step number is the one being taken.
      const histograms = every > 0 && (step === 0 || (step + 1) % every === 0);
      // The loss is checked before the update; the gradients are summed before it and checked after it.
      let gradients: (() => Promise<void>) | undefined;
      const beforeUpdate = async (losses: number[]): Promise<void> => {
        const bad = losses.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) throw new TrainingDiverged(`training diverged at step ${step + 1}: the stage ${bad + 1} loss is ${losses[bad]} (lower the learning rate?)`);
        gradients = checkGradients(model, step + 1);
        if (histograms) appendLine(gradientsPath, JSON.stringify(await gradientRecord(model, step + 1)));
      };
      const stages = await trainStep(model, optimizer, batch, { microBatch, strategy, step, steps: o.steps, seed, beforeUpdate });
      await gradients?.();
      step++;
      reportSkipped();
      if (conv2dTuningPending(engine)) {
        // Tuning time is left out of the step's time and images/s.
        const tuneStart = performance.now();
        const tuned = await tuneConv2d(engine);
        const tuneMs = performance.now() - tuneStart;
        t0 += tuneMs;
        previous += tuneMs;
        if (!o.quiet) {
          console.log(`\nautotune: ${tuned.length} conv shapes in ${(tuneMs / 1000).toFixed(1)} s (${defaultTuningFile()})`);
          for (const t of tuned) console.log(`  ${t.key}: ${t.chosen} (${t.chosen.startsWith('fft') ? 'FFT' : 'direct'}), ${t.ms[t.chosen]!.toFixed(1)} ms`);
        }
      }
      const now = performance.now();
      const elapsed = (now - t0) / 1000;
      const r: StepRecord = {
        step, images: step * o.batchSize, loss: stages.reduce((a, b) => a + b, 0), stages, lr: optimizer.lr,
        imagesPerSecond: ((step - start) * o.batchSize) / elapsed, elapsedSeconds: elapsed, stepSeconds: (now - previous) / 1000,
      };
      previous = now;
      records.push(r);
      appendLine(logPath, JSON.stringify(r));
      progress(r, records, o.steps, o.quiet ?? false);
      if ((o.checkpointEvery && step % o.checkpointEvery === 0) || step === o.steps) await save();
    }
  } catch (e) {
    if (e instanceof TrainingDiverged && existsSync(checkpoint)) e.message += `; ${checkpoint} is untouched (the last good one)`;
    throw e;
  } finally {
    await loader.close();
  }
  return { model, optimizer, records, checkpoint, startStep: start, skipped: loader.skipped() };
}
