// Fine-tuning (`train --init-from`): a model's starting values from any checkpoint. When the
// joint count differs, the output convs (stage1.conv7, stage{t}.mconv5) and the belief inputs of
// each mconv1 can start afresh; everything else must match the training configuration exactly.
import type { SafeTensor } from '../io/safetensors.js';
import { NUM_JOINTS } from '../pose/joints.js';
import { layers, type CpmConfig } from './config.js';

export interface InitOptions {
  /** Keep fresh values where the joint count shapes a tensor (outputs, mconv1's belief channels). */
  reinitOutputs?: boolean;
  /** Names the checkpoint in errors. */
  source: string;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Starting values for a model of `config`: the checkpoint's where their shapes agree, `fresh`
 * (the new model's own initialisation) for the tensors the joint count shapes when `reinitOutputs`.
 * mconv1's input channels are [features, beliefs, center]: its feature and center weights are kept.
 */
export function initParams(
  config: CpmConfig,
  from: { config: CpmConfig; params: ReadonlyMap<string, SafeTensor> },
  fresh: ReadonlyMap<string, SafeTensor>,
  opts: InitOptions,
): Map<string, SafeTensor> {
  const jointsDiffer = from.config.joints !== config.joints;
  if (jointsDiffer && !opts.reinitOutputs) {
    throw new Error(
      `${opts.source}: the checkpoint predicts ${from.config.joints} joints, training needs ${config.joints}; ` +
        'pass --reinit-outputs to start the output convs (and the belief inputs of each mconv1) afresh',
    );
  }
  if (from.config.stages < config.stages) throw new Error(`${opts.source}: the checkpoint has ${from.config.stages} stages, training needs ${config.stages}`);
  const out = new Map<string, SafeTensor>();
  for (const l of layers(config)) {
    for (const suffix of ['weight', 'bias'] as const) {
      const name = `${l.name}.${suffix}`;
      const mine = fresh.get(name)!;
      const theirs = from.params.get(name);
      if (!theirs) throw new Error(`${opts.source}: no tensor "${name}"`);
      if (jointsDiffer && !l.relu)
        out.set(name, mine); // stage1.conv7 and each mconv5: one map per joint
      else if (jointsDiffer && /\.mconv1\.weight$/.test(name)) out.set(name, keepNonBeliefInputs(mine, theirs, config.featureChannels));
      else if (!sameShape(theirs.shape, mine.shape))
        throw new Error(`${opts.source}: "${name}" has shape [${theirs.shape}], the ${config.name} configuration needs [${mine.shape}]`);
      else out.set(name, theirs);
    }
  }
  return out;
}

/** mconv1 weights [O, F + P + 2, k, k]: fresh belief-input channels, the checkpoint's feature and center ones. */
function keepNonBeliefInputs(mine: SafeTensor, theirs: SafeTensor, features: number): SafeTensor {
  const [o, cin, kh, kw] = mine.shape as [number, number, number, number];
  const theirCin = theirs.shape[1]!;
  if (theirs.shape[0] !== o || theirs.shape[2] !== kh || theirs.shape[3] !== kw)
    throw new Error(`mconv1 weights [${theirs.shape}] cannot seed [${mine.shape}]`);
  const data = mine.data.slice();
  const k = kh * kw;
  for (let oc = 0; oc < o; oc++) {
    const copy = (dst: number, src: number) => data.set(theirs.data.subarray((oc * theirCin + src) * k, (oc * theirCin + src + 1) * k), (oc * cin + dst) * k);
    for (let c = 0; c < features; c++) copy(c, c);
    copy(cin - 1, theirCin - 1);
  }
  return { shape: mine.shape, data };
}

/** The configuration to fine-tune a checkpoint's network with: its own, predicting the datasets' joints. */
export function fineTuneConfig(from: CpmConfig, joints = NUM_JOINTS): CpmConfig {
  return from.joints === joints ? from : { ...from, joints, name: `${from.name}-${joints}joints` };
}
