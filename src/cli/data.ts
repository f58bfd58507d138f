// `cpm data grid …` writes a PNG of augmented samples with joints, limbs and target maps;
// `cpm data bench …` measures loader throughput. Also runnable as `npx tsx src/cli/data.ts grid …`.
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeFolder } from '../io/files.js';
import { createLoader, openDataset, type Batch } from '../data/index.js';
import { sampleGrid, sampleOf } from '../data/picture.js';
import { writePng } from '../viz/files.js';
import { choice, flag, int, parseCommand, range, suggestion, text, UsageError, type Command, type Values } from './options.js';
import { runCli } from './run.js';

const DATA_OPTIONS = {
  dataset: text('LSP / LSPet / MPII folder (default: built-in generated people)', { metavar: 'DIR' }),
  split: choice(['train', 'val', 'test', 'all'], 'which part of the dataset', { default: 'train', conflicts: ['range'] }),
  range: range('1-based entries, e.g. 2501:3000 (instead of --split)', { requires: 'dataset' }),
  size: int('crop size', { min: 8, max: 4096, multipleOf: 8, default: 368 }),
  seed: int('seed', { min: 0, default: 0 }),
  'no-augment': flag('evaluation preprocessing (no scale/rotation/flip)'),
  'skip-bad': flag('skip unreadable samples and report them'),
} as const;

/** `cpm data grid`'s options. */
export const DATA_GRID_COMMAND = {
  name: 'data grid',
  usage: 'cpm data grid [options]',
  summary: 'Writes a PNG grid of augmented samples (crop + skeleton, stage-1 maps, centred-person maps).',
  options: {
    ...DATA_OPTIONS,
    n: int('samples in the grid', { min: 1, max: 256, default: 16 }),
    workers: int('worker threads', { min: 0, max: 64, default: 0 }),
    out: text('grid PNG path', { metavar: 'FILE', default: 'out/data-grid.png' }),
  },
} as const satisfies Command;

/** `cpm data bench`'s options. */
export const DATA_BENCH_COMMAND = {
  name: 'data bench',
  usage: 'cpm data bench [options]',
  summary: 'Measures loader samples/s.',
  options: {
    ...DATA_OPTIONS,
    workers: int('worker threads', { min: 0, max: 64, default: 2 }),
    batch: int('batch size', { min: 1, default: 16 }),
    batches: int('batches to time', { min: 1, default: 20 }),
  },
} as const satisfies Command;

const HELP = `cpm data <command> [options]

commands:
  grid    ${DATA_GRID_COMMAND.summary}
  bench   ${DATA_BENCH_COMMAND.summary}

Each has --help.
`;

function datasetFrom(v: Values<typeof DATA_OPTIONS>) {
  return openDataset(v.dataset, {
    split: v.range ? undefined : v.split,
    range: v.range,
    skipBad: v['skip-bad'],
    seed: v.seed,
    imageSize: Math.max(160, Math.round(v.size * 1.25)),
  });
}

async function grid(argv: string[]): Promise<void> {
  const a = parseCommand(DATA_GRID_COMMAND, argv);
  if (!a) return;
  const { size, n, out, seed, workers } = a.values;
  makeFolder(dirname(out));
  const dataset = datasetFrom(a.values);
  const loader = createLoader({
    dataset,
    batchSize: n,
    size,
    seed,
    workers,
    augment: !a.values['no-augment'],
    skipBad: a.values['skip-bad'],
    dropLast: false,
  });
  let batch: Batch | undefined;
  for await (const b of loader) {
    batch = b;
    break;
  }
  await loader.close();
  if (!batch) throw new Error('the dataset produced no samples');
  const samples = Array.from({ length: batch.n }, (_, i) => sampleOf(batch!, i));
  writePng(out, sampleGrid(samples));
  console.log(`wrote ${out}: ${batch.n} samples of ${dataset.name} at ${size}×${size}`);
  for (const s of loader.skipped().slice(0, 10)) console.log(`skipped ${s.source}: ${s.reason}`);
}

async function bench(argv: string[]): Promise<void> {
  const a = parseCommand(DATA_BENCH_COMMAND, argv);
  if (!a) return;
  const { size, batch: batchSize, batches, workers, seed } = a.values;
  const dataset = datasetFrom(a.values);
  const loader = createLoader({
    dataset,
    batchSize,
    size,
    workers,
    seed,
    epochs: Infinity,
    augment: !a.values['no-augment'],
    skipBad: a.values['skip-bad'],
  });
  let k = 0;
  let t0 = 0;
  for await (const _ of loader) {
    if (++k === 1) t0 = performance.now(); // the first batch includes worker start-up
    if (k > batches) break;
  }
  const secs = (performance.now() - t0) / 1000;
  const st = loader.stats();
  await loader.close();
  console.log(
    `${dataset.name}: size ${size}, batch ${batchSize}, workers ${workers}: ` +
      `${((batches * batchSize) / secs).toFixed(1)} samples/s steady (${st.capacitySamplesPerS.toFixed(1)} samples/s capacity, ${st.samples} samples in ${st.elapsedS.toFixed(1)} s incl. start-up)`,
  );
}

export async function dataCommand(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return void console.log(HELP);
  if (command === 'grid') return grid(rest);
  if (command === 'bench') return bench(rest);
  throw new UsageError(`unknown data command "${command}"; ${suggestion(command, ['grid', 'bench'])}`);
}

// Direct use: npx tsx src/cli/data.ts grid --out out/grid.png
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli('data', () => dataCommand(process.argv.slice(2)));
}
