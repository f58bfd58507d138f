// The command line: `cpm <command> [options]`. Run `cpm --help` for the list.
import { init, relu, tensor, add } from '../index.node.js';

const HELP = `cpm-webgpu: Convolutional Pose Machines on WebGPU

usage: cpm <command> [options]      (each command has --help)

commands:
  main           the default job: train a small CPM on generated people (about 9 minutes), evaluate it, draw pictures
  train          train a configuration on generated data or a dataset folder (LSP / LSPet / MPII)
  gradients      gradient-magnitude histograms per layer depth, with and without intermediate supervision (Fig. 9)
  infer          image(s) in, keypoints JSON out; skeleton and per-stage belief pictures
  evaluate       run a checkpoint on a dataset: PCK per stage beside the mean-pose floor
  eval           score predictions: eval score --pred F --gt F | eval mean-pose ...
  model          parameters, multiply-adds per block and receptive field per stage of a configuration
  import-caffe   convert the authors' released Caffe CPM models into checkpoints
  tensors        run the §12 tensor-file forward/backward, to compare with another framework
  data           dataset pictures and loader speed: data grid --out F | data bench
  serve          serve the demo page on localhost (npm run demo builds it first)
  smoke          print the adapter and run one kernel
  info           print the adapter, mode, granted limits and features (same as --info)

options:
  --adapter NAME   lavapipe | swiftshader | a substring of the adapter's description (env CPM_ADAPTER)
  --info           print adapter info and exit
  --help           this text
`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function smoke(argv: string[]): Promise<void> {
  const engine = await init({ adapter: option(argv, '--adapter') });
  console.log(engine.describe());
  const x = tensor([-2, -1, 0, 1, 2, 3], [6]);
  const y = relu(add(x, x));
  const values = await y.read();
  console.log(`relu(x + x) for x = [-2..3]: [${Array.from(values).join(', ')}]  (first dispatch done ${performance.now().toFixed(0)} ms after process start)`);
}

export async function main(argv: string[]): Promise<void> {
  const command = argv[0] && !argv[0].startsWith('--') ? argv[0] : argv.includes('--info') ? 'info' : 'help';
  const rest = argv[0] === command ? argv.slice(1) : argv;
  if (command === 'help' || (argv.includes('--help') && ['help', 'info', 'smoke'].includes(command))) {
    console.log(HELP);
    return;
  }
  switch (command) {
    case 'info': {
      const engine = await init({ adapter: option(rest, '--adapter') });
      console.log(engine.describe());
      return;
    }
    case 'smoke':
      return smoke(rest);
    case 'main':
      return (await import('./mainjob.js')).mainJob(rest);
    case 'train':
      return (await import('./train.js')).trainCommand(rest);
    case 'gradients':
      return (await import('./gradients.js')).gradientsCommand(rest);
    case 'tensors':
      return (await import('./train.js')).tensorsCommand(rest);
    case 'model':
      return console.log((await import('./train.js')).describeConfig(rest.find((a) => !a.startsWith('--')) ?? 'paper'));
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
      throw new Error(`unknown command "${command}"; run with --help`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
