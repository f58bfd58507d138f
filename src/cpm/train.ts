// The Node training runner (docs/training.md): loops the training step (step.ts) over the loader, with a
// JSONL log of every step, loss curves, atomic checkpoints, exact resume, conv autotuning and the
// divergence safeguards. Same seed and adapter → the same loss curve.
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { noGrad } from '../autograd/graph.js';
import { createLoader, openDataset } from '../data/index.js';
import type { AugmentOptions } from '../data/augment.js';
import type { SkippedSample } from '../data/errors.js';
import { appendLine, makeFolder, writeFileAtomic } from '../io/files.js';
import { lockFolder } from '../io/lock.js';
import type { Optimizer } from '../optim/optimizer.js';
import { add } from '../shaders/elementwise/elementwise.js';
import { sum } from '../shaders/reduce/reduce.js';
import type { Engine } from '../tensor/engine.js';
import { renderLineChart } from '../viz/chart.js';
import { encodePng } from '../viz/png.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import type { LoadedCheckpoint } from './checkpoint.js';
import type { CpmConfig } from './config.js';
import { initParams } from './finetune.js';
import { gradientRecord } from './gradients.js';
import { CpmModel } from './model.js';
import { makeOptimizer, trainStep, type OptimizerChoice, type Strategy } from './step.js';
import { enableConv2dAutotune } from '../shaders/conv2d/tuning.js';
import { conv2dTuningPending, tuneConv2d } from '../shaders/conv2d/autotune.js';
import { defaultTuningFile, fileTuningStore } from '../shaders/conv2d/tuning-file.js';

export interface TrainOptions extends OptimizerChoice {
  /** Dataset folder; undefined = the built-in generated people. */
  dataset?: string;
  /** 1-based inclusive entries of the folder used for training (e.g. [1, 2500] of LSPet). */
  range?: [number, number];
  steps: number;
  batchSize: number;
  /** Images per forward/backward; the batch's gradients are accumulated (default: the whole batch). */
  microBatch?: number;
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
  /** Called after every step with its record and all records of this run so far (the CLI's progress bar). */
  onStep?: (record: StepRecord, records: readonly StepRecord[]) => void;
  /** No report of the autotune results on the console. */
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
  constructor(
    readonly reason: string,
    readonly step: number,
    readonly checkpoint: string | null,
  ) {
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

/** Loss curves per stage from the JSONL log, as a PNG; a step logged twice (a run resumed from before it) counts once, the last time. */
export function writeLossCurves(logPath: string, pngPath: string): void {
  const byStep = new Map<number, StepRecord>();
  for (const l of readFileSync(logPath, 'utf8').split('\n'))
    if (l) {
      const r = JSON.parse(l) as StepRecord;
      byStep.set(r.step, r);
    }
  const records = [...byStep.values()];
  if (records.length === 0) return;
  const stages = records[0]!.stages.length;
  const series = Array.from({ length: stages }, (_, t) => ({
    name: `stage ${t + 1}`,
    x: records.map((r) => r.step),
    y: records.map((r) => r.stages[t] ?? NaN),
  }));
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
  return {
    seed: o.seed ?? 0,
    strategy: o.strategy ?? 'e2e',
    batchSize: o.batchSize,
    dataset: o.dataset ? resolve(o.dataset) : 'generated',
    range: o.range ?? null,
    ...(o.initFrom ? { initFrom: o.initFrom } : {}),
  };
}

/** The fields that differ, as "name: checkpoint X, now Y" (fields an older checkpoint did not record are not compared). */
function resumeMismatches(saved: LoadedCheckpoint, config: CpmConfig, now: Record<string, unknown>): string[] {
  const differ = Object.entries(now)
    .filter(([k, v]) => k in saved.trainer && JSON.stringify(saved.trainer[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k}: checkpoint ${JSON.stringify(saved.trainer[k])}, now ${JSON.stringify(v)}`);
  if (JSON.stringify(saved.config) !== JSON.stringify(config))
    differ.unshift(`config: checkpoint "${saved.config.name}" ${JSON.stringify(saved.config)}, now "${config.name}" ${JSON.stringify(config)}`);
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
        if (!Number.isFinite(v))
          throw new TrainingDiverged(`training diverged at step ${step}: the gradient of "${named[i]![0]}" is not finite (its sum is ${v})`);
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
      throw new Error(
        `${checkpoint}: cannot continue this run exactly; it differs from the checkpoint in\n  ${differ.join('\n  ')}\n(pass resume-anyway to continue regardless)`,
      );
    }
    for (const d of differ) console.warn(`resuming regardless: ${d}`);
    model.load(ck.params, checkpoint);
    optimizer.loadState(ck.optimizerState, ck.step);
    start = ck.step;
    // The logs are appended to, never rewritten; readers take the last record of a step.
    for (const path of [logPath, gradientsPath]) dropPartialLastLine(path);
  } else {
    if (o.initFrom)
      model.load(initParams(o.config, loadCheckpoint(o.initFrom), await model.read(), { reinitOutputs: o.reinitOutputs, source: o.initFrom }), o.initFrom);
    writeFileAtomic(logPath, '');
    if (o.gradientsEvery) writeFileAtomic(gradientsPath, '');
  }
  const size = o.config.inputSize;
  const dataset = openDataset(
    o.dataset,
    o.dataset ? { range: o.range, split: o.range ? undefined : 'train', skipBad: o.skipBad } : { seed, imageSize: Math.round(size * 1.25), split: 'train' },
  );
  const loader = createLoader({
    dataset,
    batchSize: o.batchSize,
    size,
    seed,
    workers: o.workers ?? 1,
    epochs: Infinity,
    startBatch: start,
    sigma: o.sigma,
    augment: o.augment,
    shuffle: true,
    skipBad: o.skipBad,
  });
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
        if (bad >= 0)
          throw new TrainingDiverged(`training diverged at step ${step + 1}: the stage ${bad + 1} loss is ${losses[bad]} (lower the learning rate?)`);
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
        step,
        images: step * o.batchSize,
        loss: stages.reduce((a, b) => a + b, 0),
        stages,
        lr: optimizer.lr,
        imagesPerSecond: ((step - start) * o.batchSize) / elapsed,
        elapsedSeconds: elapsed,
        stepSeconds: (now - previous) / 1000,
      };
      previous = now;
      records.push(r);
      appendLine(logPath, JSON.stringify(r));
      o.onStep?.(r, records);
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
