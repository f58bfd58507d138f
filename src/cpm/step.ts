// One training step with intermediate supervision (docs/training.md), browser-pure: which stage a
// strategy trains when (the paper's Fig. 8b), the parameter groups and optimizer of each recipe, the
// batch upload, and the step itself with gradient accumulation. The Node runner (train.ts) loops it.
import { backward, noGrad } from '../autograd/graph.js';
import type { Batch } from '../data/types.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer, ParamGroup } from '../optim/optimizer.js';
import { multiStepSchedule, stepSchedule } from '../optim/schedule.js';
import { SGD } from '../optim/sgd.js';
import { scale } from '../shaders/elementwise/elementwise.js';
import type { Engine } from '../tensor/engine.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import type { CpmConfig } from './config.js';
import type { CpmModel } from './model.js';

export type Strategy = 'e2e' | 'last-stage' | 'stagewise' | 'stagewise-finetune';

/** The optimizer and its settings; what is left out comes from the configuration's recipe. */
export interface OptimizerChoice {
  config: CpmConfig;
  optimizer?: 'adam' | 'sgd';
  lr?: number;
  weightDecay?: number;
  /** Multiply the lr by gamma every stepSize steps (SGD) or once at stepSize (Adam). */
  stepSize?: number;
  gamma?: number;
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

export function makeOptimizer(model: CpmModel, o: OptimizerChoice): Optimizer {
  const kind = o.optimizer ?? o.config.optimizer ?? 'adam';
  if (kind === 'sgd') {
    return new SGD(paperGroups(model), {
      lr: o.lr ?? 8e-5,
      momentum: 0.9,
      weightDecay: o.weightDecay ?? 5e-4,
      schedule: stepSchedule({ gamma: o.gamma ?? 0.333, stepSize: o.stepSize ?? 136106 }),
    });
  }
  return new Adam(plainGroups(model), {
    lr: o.lr ?? 1e-3,
    weightDecay: o.weightDecay ?? 5e-4,
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
  const S = b.size,
    G = b.grid;
  const part = (a: Float32Array, per: number) => a.subarray(from * per, (from + count) * per);
  return {
    image: fromArray(engine, part(b.image, 3 * S * S), [count, 3, S, S], 'image'),
    center: fromArray(engine, part(b.center, S * S), [count, 1, S, S], 'center'),
    target: fromArray(engine, part(b.target, P1 * G * G), [count, P1, G, G], 'target'),
    targetAll: fromArray(engine, part(b.targetAll, P1 * G * G), [count, P1, G, G], 'targetAll'),
  };
}

export interface StepOptions {
  /** Images per forward/backward; the batch's gradients are accumulated. */
  microBatch: number;
  strategy: Strategy;
  /** 0-based index of this step, of `steps` in the run (the stagewise strategies split the run by it). */
  step: number;
  steps: number;
  /** With `step`, seeds the dropout masks. */
  seed: number;
  /** Called with the batch's per-stage losses after backward, before the update (e.g. to stop on a non-finite loss). */
  beforeUpdate?: (losses: number[]) => Promise<void>;
}

/** One optimisation step over a batch (accumulating micro-batches); returns the batch's per-stage losses. */
export async function trainStep(model: CpmModel, optimizer: Optimizer, batch: Batch, o: StepOptions): Promise<number[]> {
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
    values.forEach((v, t) => {
      sums[t]! += (v * count) / batch.n;
    });
    for (const l of losses) l.dispose();
  }
  await o.beforeUpdate?.(sums);
  noGrad(engine, () => optimizer.step());
  return sums;
}
