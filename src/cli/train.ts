// `cpm train`, `cpm model` and `cpm tensors`: training, the configuration's costs, and the §12
// tensor-file run used to compare with other frameworks.
import { backward, noGrad } from '../autograd/graph.js';
import { CONFIGS, getConfig, multiplyAdds, parameterCount, receptiveFields, layers } from '../cpm/config.js';
import { loadCheckpoint } from '../cpm/checkpoint-file.js';
import { fineTuneConfig } from '../cpm/finetune.js';
import { CpmModel } from '../cpm/model.js';
import { train, type Strategy } from '../cpm/train.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/files.js';
import type { SafeTensor } from '../io/safetensors.js';
import { init } from '../index.node.js';
import type { Engine } from '../tensor/engine.js';
import { fromArray } from '../tensor/tensor.js';
import { pathToFileURL } from 'node:url';
import { parseFlags } from './args.js';

export const TRAIN_HELP = `cpm train: train a CPM with intermediate supervision

  --config NAME        ${Object.keys(CONFIGS).join(' | ')} (default cpm-mini)
  --dataset DIR        LSP / LSPet / MPII folder (default: built-in generated people)
  --range A:B          1-based inclusive entries of the folder to train on (e.g. 1:2500 for LSPet)
  --steps N            optimisation steps (default 200)
  --batch N            images per step (default 16)
  --micro-batch N      images per forward/backward; gradients are accumulated (default: the batch)
  --optimizer NAME     sgd (the paper's recipe; default for paper/flic) | adam (default otherwise)
  --lr X               base learning rate (sgd 8e-5, adam 1e-3)
  --weight-decay X     default 5e-4 (not on biases)
  --step-size N        lr × gamma every N steps (sgd) / once at N (adam)
  --gamma X            default 0.333
  --strategy NAME      e2e (intermediate supervision, default) | last-stage | stagewise | stagewise-finetune
  --last-stage-only    same as --strategy last-stage (the paper's ablation)
  --sigma X            joint Gaussian σ in input pixels (default 7·S/368)
  --out DIR            output folder (default runs/<config>)
  --resume             continue from DIR/checkpoint.safetensors exactly
  --init-from FILE     fine-tune: start from any checkpoint (ours, a state dict, import-caffe's); the
                       configuration is the checkpoint's unless --config is given
  --reinit-outputs     with --init-from: start the output convs afresh when the joint count differs
  --checkpoint-every N (default 50)
  --seed N             (default 0)
  --workers N          data loader threads (default 1)
  --gradients-every N  write every layer's gradient-magnitude histogram to DIR/gradients.jsonl at step 1
                       and every N steps (the paper's Fig. 9; \`cpm gradients\` draws the comparison)
  --no-augment         no augmentation (the built-in generator already makes endless new people)
  --skip-bad           leave out (and report) samples whose image or annotation cannot be used, instead of stopping
  --quiet              no progress bar
  --autotune           after step 1, time each conv kernel variant on every layer shape and keep the fastest
                       (cached per adapter in ~/.cache/cpm-webgpu/conv2d-tuning.json or CPM_TUNING_FILE;
                       minutes of compiling on lavapipe the first time)
  --adapter NAME       lavapipe | swiftshader | ...

Writes DIR/train.jsonl (every step), DIR/loss.png (loss per stage) and DIR/checkpoint.safetensors
(atomic; every N steps and at the end). \`tensors\` as the first argument runs the §12 tensor-file
command instead (see \`tensors --help\`).
`;

function range(v: string | undefined): [number, number] | undefined {
  if (!v) return undefined;
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m) throw new Error(`--range must look like 1:2500, got "${v}"`);
  return [Number(m[1]), Number(m[2])];
}

export async function trainCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, ['resume', 'last-stage-only', 'quiet', 'no-augment', 'autotune', 'skip-bad', 'reinit-outputs']);
  if (f.has('help')) return void console.log(TRAIN_HELP);
  const initFrom = f.string('init-from');
  const config = initFrom && !f.has('config') ? fineTuneConfig(loadCheckpoint(initFrom).config) : getConfig(f.string('config') ?? 'cpm-mini');
  const engine = await init({ adapter: f.string('adapter') });
  const strategy = (f.has('last-stage-only') ? 'last-stage' : f.string('strategy') ?? 'e2e') as Strategy;
  if (!['e2e', 'last-stage', 'stagewise', 'stagewise-finetune'].includes(strategy)) throw new Error(`--strategy: unknown "${strategy}"`);
  const optimizer = f.string('optimizer') as 'sgd' | 'adam' | undefined;
  if (optimizer && optimizer !== 'sgd' && optimizer !== 'adam') throw new Error(`--optimizer must be sgd or adam, got "${optimizer}"`);
  const out = f.string('out') ?? `runs/${config.name}`;
  const r = await train(engine, {
    config, dataset: f.string('dataset'), range: range(f.string('range')), steps: f.number('steps', 200), batchSize: f.number('batch', 16),
    microBatch: f.has('micro-batch') ? f.number('micro-batch', 16) : undefined, optimizer, lr: f.has('lr') ? f.number('lr', 0) : undefined,
    weightDecay: f.has('weight-decay') ? f.number('weight-decay', 0) : undefined, stepSize: f.has('step-size') ? f.number('step-size', 0) : undefined,
    gamma: f.has('gamma') ? f.number('gamma', 0) : undefined, strategy, out, resume: f.has('resume'), seed: f.number('seed', 0),
    checkpointEvery: f.number('checkpoint-every', 50), workers: f.number('workers', 1), sigma: f.has('sigma') ? f.number('sigma', 0) : undefined, quiet: f.has('quiet'), autotune: f.has('autotune'), skipBad: f.has('skip-bad'),
    gradientsEvery: f.has('gradients-every') ? f.number('gradients-every', 0) : undefined, augment: f.has('no-augment') ? false : undefined,
    initFrom, reinitOutputs: f.has('reinit-outputs'),
  });
  console.log(`wrote ${r.checkpoint}, ${out}/train.jsonl (every step) and ${out}/loss.png (loss per stage)`);
}

export function describeConfig(name: string): string {
  const c = getConfig(name);
  const macs = multiplyAdds(c);
  const lines = [`${c.name}: ${c.stages} stages, ${c.joints} joints + background, input ${c.inputSize}×${c.inputSize}, beliefs ${c.inputSize / 8}×${c.inputSize / 8}`];
  lines.push(`parameters: ${parameterCount(c).toLocaleString('en-US')}`);
  lines.push(`multiply-adds per forward pass: ${(macs.total / 1e9).toFixed(3)} G`);
  for (const [block, m] of Object.entries(macs.blocks)) lines.push(`  ${block.padEnd(8)} ${(m / 1e9).toFixed(3)} G`);
  lines.push(`receptive field per stage (px): ${receptiveFields(c).join(', ')}`);
  lines.push(`layers: ${layers(c).length} convolutions`);
  return lines.join('\n');
}

/** `cpm tensors IN OUT [--checkpoint F | --config NAME --seed N] [--backward]`: the §12 comparison run. */
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
      const beliefs = model.forward(fromArray(engine, image.data, image.shape, 'image'), fromArray(engine, center.data, center.shape, 'center'), { training: false });
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

export async function tensorsCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, ['backward']);
  if (f.has('help') || f.positional.length !== 2) {
    return void console.log('usage: cpm tensors INPUT.safetensors OUTPUT.safetensors [--checkpoint F | --config NAME --seed N] [--backward]\n' +
      'Runs forward (dropout off) and, with --backward, backward on the §12 input tensors and writes beliefs, losses and gradients.');
  }
  const engine = await init({ adapter: f.string('adapter') });
  const ckPath = f.string('checkpoint');
  const ck = ckPath ? loadCheckpoint(ckPath) : null;
  const model = new CpmModel(engine, ck?.config ?? getConfig(f.string('config') ?? 'tiny'), f.number('seed', 0));
  if (ck) model.load(ck.params, ckPath);
  const out = await runTensorFile(engine, model, readSafetensorsFile(f.positional[0]!).tensors, f.has('backward'));
  writeSafetensorsFile(f.positional[1]!, out, { config: JSON.stringify(model.config) });
  console.log(`wrote ${out.size} tensors to ${f.positional[1]}`);
}

// Runnable directly: `npx tsx src/cli/train.ts [--help | options]` or `npx tsx src/cli/train.ts tensors IN OUT ...`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  (argv[0] === 'tensors' ? tensorsCommand(argv.slice(1)) : trainCommand(argv)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
