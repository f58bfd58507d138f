// `cpm train`, `cpm model` and `cpm tensors`: training, the configuration's costs, and the
// tensor-file run used to compare with other frameworks.
import { backward, noGrad } from '../autograd/graph.js';
import { CONFIGS, getConfig, multiplyAdds, parameterCount, receptiveFields, layers } from '../cpm/config.js';
import { loadCheckpoint } from '../cpm/checkpoint-file.js';
import { fineTuneConfig } from '../cpm/finetune.js';
import { CpmModel } from '../cpm/model.js';
import { train } from '../cpm/train.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/files.js';
import type { SafeTensor } from '../io/safetensors.js';
import { init } from '../index.node.js';
import type { Engine } from '../tensor/engine.js';
import { fromArray } from '../tensor/tensor.js';
import { pathToFileURL } from 'node:url';
import { ADAPTER, choice, flag, int, parseCommand, range, real, suggestion, text, UsageError, type Command } from './options.js';
import { progressBar } from './progress.js';
import { interruptible, runCli } from './run.js';

/** Names `--config` accepts. */
export const CONFIG_NAMES = Object.keys(CONFIGS);
const STRATEGIES = ['e2e', 'last-stage', 'stagewise', 'stagewise-finetune'] as const;

/** `cpm train`'s options; one entry per option drives parsing, checking and --help. */
export const TRAIN_COMMAND = {
  name: 'train',
  usage: 'cpm train [options]',
  summary:
    'Trains a CPM with intermediate supervision. Writes DIR/train.jsonl (every step), DIR/loss.png (loss per stage)\n' +
    'and DIR/checkpoint.safetensors (atomic; every N steps, at the end, and on SIGINT/SIGTERM).',
  options: {
    config: choice(CONFIG_NAMES, "configuration (default cpm-mini; with --init-from, the checkpoint's)"),
    dataset: text('LSP / LSPet / MPII folder (default: built-in generated people)', { metavar: 'DIR' }),
    range: range('1-based inclusive entries of the folder to train on (e.g. 1:2500 for LSPet)', { requires: 'dataset' }),
    steps: int('optimisation steps', { min: 1, default: 200 }),
    batch: int('images per step', { min: 1, default: 16 }),
    'micro-batch': int('images per forward/backward; gradients are accumulated (default: the batch)', { min: 1 }),
    optimizer: choice(['sgd', 'adam'], "sgd: the paper's recipe (default for paper/flic); adam: default otherwise"),
    lr: real('base learning rate (default: sgd 8e-5, adam 1e-3)', { above: 0 }),
    'weight-decay': real('L2 decay, not on biases (default 5e-4)', { min: 0 }),
    'step-size': int('lr × gamma every N steps (sgd) / once at N (adam)', { min: 1 }),
    gamma: real('lr multiplier at each step-size (default 0.333)', { above: 0 }),
    strategy: choice(STRATEGIES, "e2e: intermediate supervision; the others: the paper's Fig. 8b strategies", { default: 'e2e' }),
    'last-stage-only': flag("same as --strategy last-stage (the paper's ablation)", { conflicts: ['strategy'] }),
    sigma: real('joint Gaussian σ in input pixels (default 7·S/368)', { above: 0 }),
    out: text('output folder (default runs/<config>)', { metavar: 'DIR' }),
    'init-from': text("fine-tune: start from any checkpoint (ours, a state dict, import-caffe's)", { metavar: 'FILE', conflicts: ['resume'] }),
    'reinit-outputs': flag("start the output convs afresh when the checkpoint's joint count differs", { requires: 'init-from' }),
    resume: flag('continue exactly from DIR/checkpoint.safetensors (configuration, batch, seed, strategy, dataset and range must match)'),
    'resume-anyway': flag("resume even when those differ from the checkpoint's", { requires: 'resume' }),
    'checkpoint-every': int('steps between checkpoints; 0: only at the end', { min: 0, default: 50 }),
    seed: int('seed of initialisation, data order and dropout', { min: 0, default: 0 }),
    workers: int('data loader threads', { min: 0, max: 64, default: 1 }),
    'gradients-every': int("write every layer's gradient-magnitude histogram to DIR/gradients.jsonl at step 1 and every N steps (Fig. 9)", { min: 1 }),
    'no-augment': flag('no augmentation (the built-in generator already makes endless new people)'),
    'skip-bad': flag('leave out (and report) samples whose image or annotation cannot be used, instead of stopping'),
    quiet: flag('no progress bar'),
    autotune: flag(
      'after step 1, time each conv kernel variant per layer shape and keep the fastest (cached per adapter in ~/.cache/cpm-webgpu/conv2d-tuning.json or CPM_TUNING_FILE)',
    ),
    ...ADAPTER,
  },
} as const satisfies Command;

export async function trainCommand(argv: string[]): Promise<void> {
  const a = parseCommand(TRAIN_COMMAND, argv);
  if (!a) return;
  const v = a.values;
  if (v['micro-batch'] !== undefined && v['micro-batch'] > v.batch)
    throw new UsageError(`train: --micro-batch ${v['micro-batch']} is larger than --batch ${v.batch}`);
  const initFrom = v['init-from'];
  const config = v.config ? getConfig(v.config) : initFrom ? fineTuneConfig(loadCheckpoint(initFrom).config) : getConfig('cpm-mini');
  const engine = await init({ adapter: v.adapter });
  const out = v.out ?? `runs/${config.name}`;
  const r = await interruptible((signal) =>
    train(engine, {
      config,
      dataset: v.dataset,
      range: v.range,
      steps: v.steps,
      batchSize: v.batch,
      microBatch: v['micro-batch'],
      optimizer: v.optimizer,
      lr: v.lr,
      weightDecay: v['weight-decay'],
      stepSize: v['step-size'],
      gamma: v.gamma,
      strategy: v['last-stage-only'] ? 'last-stage' : v.strategy,
      out,
      resume: v.resume,
      resumeAnyway: v['resume-anyway'],
      seed: v.seed,
      checkpointEvery: v['checkpoint-every'],
      workers: v.workers,
      sigma: v.sigma,
      quiet: v.quiet,
      onStep: v.quiet ? undefined : progressBar(v.steps),
      autotune: v.autotune,
      skipBad: v['skip-bad'],
      gradientsEvery: v['gradients-every'],
      augment: v['no-augment'] ? false : undefined,
      initFrom,
      reinitOutputs: v['reinit-outputs'],
      signal,
    }),
  );
  if (r.records.length === 0) return void console.log(`nothing to train: ${r.checkpoint} is already at step ${r.startStep} of ${v.steps}`);
  console.log(`wrote ${r.checkpoint}, ${out}/train.jsonl (every step) and ${out}/loss.png (loss per stage)`);
}

export function describeConfig(name: string): string {
  const c = getConfig(name);
  const macs = multiplyAdds(c);
  const lines = [
    `${c.name}: ${c.stages} stages, ${c.joints} joints + background, input ${c.inputSize}×${c.inputSize}, beliefs ${c.inputSize / 8}×${c.inputSize / 8}`,
  ];
  lines.push(`parameters: ${parameterCount(c).toLocaleString('en-US')}`);
  lines.push(`multiply-adds per forward pass: ${(macs.total / 1e9).toFixed(3)} G`);
  for (const [block, m] of Object.entries(macs.blocks)) lines.push(`  ${block.padEnd(8)} ${(m / 1e9).toFixed(3)} G`);
  lines.push(`receptive field per stage (px): ${receptiveFields(c).join(', ')}`);
  lines.push(`layers: ${layers(c).length} convolutions`);
  return lines.join('\n');
}

/** `cpm tensors IN OUT [--checkpoint F | --config NAME --seed N] [--backward]`: the tensor-file comparison run (docs/formats.md#tensor-files). */
export async function runTensorFile(engine: Engine, model: CpmModel, input: Map<string, SafeTensor>, withGradients: boolean): Promise<Map<string, SafeTensor>> {
  const get = (name: string) => {
    const t = input.get(name);
    if (!t) throw new Error(`input tensor file has no "${name}"`);
    return t;
  };
  const image = get('image');
  const center = get('center');
  const target = input.get('target');
  const targetAll = input.get('target_stage1') ?? target;
  const out = new Map<string, SafeTensor>();
  const run = () =>
    engine.tidy(() => {
      const beliefs = model.forward(fromArray(engine, image.data, image.shape, 'image'), fromArray(engine, center.data, center.shape, 'center'), {
        training: false,
      });
      const losses = target ? model.losses(beliefs, fromArray(engine, target.data, target.shape), fromArray(engine, targetAll!.data, targetAll!.shape)) : null;
      return { beliefs, losses };
    });
  const { beliefs, losses } = withGradients ? run() : noGrad(engine, run);
  for (let t = 0; t < beliefs.length; t++) out.set(`belief.stage${t + 1}`, { shape: [...beliefs[t]!.shape], data: await beliefs[t]!.read() });
  if (losses) {
    for (let t = 0; t < losses.stages.length; t++) out.set(`loss.stage${t + 1}`, { shape: [1], data: await losses.stages[t]!.read() });
    out.set('loss', { shape: [1], data: await losses.total.read() });
    if (withGradients) {
      backward(losses.total);
      for (const [name, p] of model.params) if (p.grad) out.set(`grad.${name}`, { shape: [...p.shape], data: await p.grad.read() });
    }
  } else if (withGradients) throw new Error('--backward needs a "target" tensor in the input file');
  return out;
}

export const TENSORS_COMMAND = {
  name: 'tensors',
  usage: 'cpm tensors INPUT.safetensors OUTPUT.safetensors [--checkpoint F | --config NAME --seed N] [--backward]',
  summary:
    'Runs forward (dropout off) and, with --backward, backward on the input tensors (docs/formats.md#tensor-files) and writes beliefs, losses and gradients.',
  options: {
    checkpoint: text('trained model (default: a fresh model of --config and --seed)', { metavar: 'FILE', conflicts: ['config', 'seed'] }),
    config: choice(CONFIG_NAMES, 'configuration of the fresh model', { default: 'tiny' }),
    seed: int('seed of the fresh model', { min: 0, default: 0 }),
    backward: flag('also run backward (the input file needs a "target" tensor) and write every gradient'),
    ...ADAPTER,
  },
  positionals: { name: 'files (INPUT OUTPUT)', min: 2, max: 2 },
} as const satisfies Command;

export async function tensorsCommand(argv: string[]): Promise<void> {
  const a = parseCommand(TENSORS_COMMAND, argv);
  if (!a) return;
  const v = a.values;
  const [input, output] = a.positionals as [string, string];
  const engine = await init({ adapter: v.adapter });
  const ck = v.checkpoint ? loadCheckpoint(v.checkpoint) : null;
  const model = new CpmModel(engine, ck?.config ?? getConfig(v.config), v.seed);
  if (ck) model.load(ck.params, v.checkpoint);
  const out = await runTensorFile(engine, model, readSafetensorsFile(input).tensors, v.backward);
  writeSafetensorsFile(output, out, { config: JSON.stringify(model.config) });
  console.log(`wrote ${out.size} tensors to ${output}`);
}

export const MODEL_COMMAND = {
  name: 'model',
  usage: `cpm model [${CONFIG_NAMES.join(' | ')}]`,
  summary: 'Parameters, multiply-adds per block and receptive field per stage of a configuration (default paper).',
  options: {},
  positionals: { name: 'configuration name', min: 0, max: 1 },
} as const satisfies Command;

export function modelCommand(argv: string[]): void {
  const a = parseCommand(MODEL_COMMAND, argv);
  if (!a) return;
  const name = a.positionals[0] ?? 'paper';
  if (!CONFIG_NAMES.includes(name)) throw new UsageError(`model: unknown configuration "${name}"; ${suggestion(name, CONFIG_NAMES)}`);
  console.log(describeConfig(name));
}

// Runnable directly: `npx tsx src/cli/train.ts [--help | options]` or `npx tsx src/cli/train.ts tensors IN OUT ...`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  runCli(argv[0] === 'tensors' ? 'tensors' : 'train', () => (argv[0] === 'tensors' ? tensorsCommand(argv.slice(1)) : trainCommand(argv)));
}
