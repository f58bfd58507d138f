// The command line: `cpm <command> [options]`. Run `cpm --help` for the list.
import { init, relu, tensor, add } from '../index.node.js';
import { ADAPTER, flag, formatHelp, parseCommand, suggestion, UsageError, type Command } from './options.js';
import { runCli } from './run.js';

const COMMANDS = {
  main: 'the default job: train a small CPM on generated people (3–9 minutes on a CPU), evaluate it, draw pictures',
  train: 'train a configuration on generated data or a dataset folder (LSP / LSPet / MPII)',
  gradients: 'gradient-magnitude histograms per layer depth, with and without intermediate supervision (Fig. 9)',
  infer: 'image(s) in, keypoints JSON out; skeleton and per-stage belief pictures',
  evaluate: 'run a checkpoint on a dataset: PCK per stage beside the mean-pose floor',
  eval: 'score predictions: eval score --pred F --gt F | eval mean-pose ...',
  model: 'parameters, multiply-adds per block and receptive field per stage of a configuration',
  'import-caffe': "convert the authors' released Caffe CPM models into checkpoints",
  tensors: 'run the tensor-file forward/backward (docs/formats.md), to compare with another framework',
  data: 'dataset pictures and loader speed: data grid --out F | data bench',
  serve: 'serve the demo page on localhost (npm run demo builds it first)',
  smoke: 'print the adapter and run one kernel',
  info: 'print the adapter, mode, granted limits and features (same as --info)',
} as const;

/** `cpm` without a command, and `cpm info` / `cpm smoke`. */
export const TOP_COMMAND = {
  name: 'cpm',
  usage: 'cpm <command> [options]      (each command has --help)',
  summary: `cpm-webgpu: Convolutional Pose Machines on WebGPU\n\ncommands:\n${Object.entries(COMMANDS)
    .map(([c, what]) => `  ${c.padEnd(14)} ${what}`)
    .join('\n')}`,
  options: { info: flag('print adapter info and exit'), ...ADAPTER },
} as const satisfies Command;

async function smoke(adapter: string | undefined): Promise<void> {
  const engine = await init({ adapter });
  console.log(engine.describe());
  const x = tensor([-2, -1, 0, 1, 2, 3], [6]);
  const y = relu(add(x, x));
  const values = await y.read();
  console.log(`relu(x + x) for x = [-2..3]: [${Array.from(values).join(', ')}]  (first dispatch done ${performance.now().toFixed(0)} ms after process start)`);
}

export async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-') || first === 'help' || first === 'info' || first === 'smoke') {
    const a = parseCommand(TOP_COMMAND, first === undefined || first.startsWith('-') ? argv : rest);
    if (!a) return;
    if (first === 'smoke') return smoke(a.values.adapter);
    if (first === 'info' || a.values.info) return void console.log((await init({ adapter: a.values.adapter })).describe());
    if (first === undefined || first === 'help') return void console.log(formatHelp(TOP_COMMAND));
    throw new UsageError(`cpm: give a command first (${Object.keys(COMMANDS).join(', ')}), then its options`);
  }
  switch (first) {
    case 'main':
      return (await import('./mainjob.js')).mainJob(rest);
    case 'train':
      return (await import('./train.js')).trainCommand(rest);
    case 'gradients':
      return (await import('./gradients.js')).gradientsCommand(rest);
    case 'tensors':
      return (await import('./train.js')).tensorsCommand(rest);
    case 'model':
      return (await import('./train.js')).modelCommand(rest);
    case 'serve':
      return (await import('./serve.js')).serveCommand(rest);
    case 'infer':
      return (await import('./infer.js')).inferCommand(rest);
    case 'evaluate':
      return (await import('./infer.js')).evaluateCommand(rest);
    case 'import-caffe':
      return (await import('./importCaffe.js')).importCaffeCommand(rest);
    case 'data':
      return (await import('./data.js')).dataCommand(rest);
    case 'eval':
      return (await import('./eval.js')).evalCommand(rest);
    default:
      throw new UsageError(`unknown command "${first}"; ${suggestion(first, Object.keys(COMMANDS))}`);
  }
}

runCli(process.argv[2] ?? 'help', () => main(process.argv.slice(2)));
