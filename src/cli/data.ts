// `cpm data grid …` writes a PNG of augmented samples with joints, limbs and target maps;
// `cpm data bench …` measures loader throughput. Also runnable as `npx tsx src/cli/data.ts grid …`.
import { pathToFileURL } from 'node:url';
import { createLoader, openDataset, type Batch, type Split } from '../data/index.js';
import { sampleGrid, sampleOf } from '../data/picture.js';
import { writePng } from '../viz/files.js';

const HELP = `cpm data <command> [options]

commands:
  grid    write a PNG grid of augmented samples (crop + skeleton, stage-1 maps, centred-person maps)
  bench   measure loader samples/s

options:
  --dataset DIR     LSP / LSPet / MPII folder (default: built-in generated people)
  --split S         train | val | test | all (default train)
  --range A-B       1-based entries, e.g. 2501-3000 (overrides --split)
  --size N          crop size, multiple of 8 (default 368)
  --n N             samples in the grid (default 16)
  --seed N          seed (default 0)
  --workers N       worker threads (default 0 for grid, 2 for bench)
  --batch N         batch size for bench (default 16)
  --batches N       batches to time in bench (default 20)
  --no-augment      evaluation preprocessing (no scale/rotation/flip)
  --skip-bad        skip unreadable samples and report them
  --out FILE        grid PNG path (default out/data-grid.png)
`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function intOption(argv: string[], name: string, fallback: number): number {
  const v = option(argv, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
  return n;
}

function datasetFrom(argv: string[], size: number) {
  const range = option(argv, '--range');
  let r: [number, number] | undefined;
  if (range) {
    const m = /^(\d+)-(\d+)$/.exec(range);
    if (!m) throw new Error(`--range must look like 2501-3000, got "${range}"`);
    r = [Number(m[1]), Number(m[2])];
  }
  return openDataset(option(argv, '--dataset'), {
    split: (option(argv, '--split') ?? 'train') as Split,
    range: r,
    skipBad: argv.includes('--skip-bad'),
    seed: intOption(argv, '--seed', 0),
    imageSize: Math.max(160, Math.round(size * 1.25)),
  });
}

async function grid(argv: string[]): Promise<void> {
  const size = intOption(argv, '--size', 368);
  const n = intOption(argv, '--n', 16);
  const out = option(argv, '--out') ?? 'out/data-grid.png';
  const dataset = datasetFrom(argv, size);
  const loader = createLoader({
    dataset, batchSize: n, size, seed: intOption(argv, '--seed', 0), workers: intOption(argv, '--workers', 0),
    augment: !argv.includes('--no-augment'), skipBad: argv.includes('--skip-bad'), dropLast: false,
  });
  let batch: Batch | undefined;
  for await (const b of loader) { batch = b; break; }
  await loader.close();
  if (!batch) throw new Error('the dataset produced no samples');
  const samples = Array.from({ length: batch.n }, (_, i) => sampleOf(batch!, i));
  writePng(out, sampleGrid(samples));
  console.log(`wrote ${out}: ${batch.n} samples of ${dataset.name} at ${size}×${size}`);
  for (const s of loader.skipped().slice(0, 10)) console.log(`skipped ${s.source}: ${s.reason}`);
}

async function bench(argv: string[]): Promise<void> {
  const size = intOption(argv, '--size', 368);
  const batchSize = intOption(argv, '--batch', 16);
  const batches = intOption(argv, '--batches', 20);
  const workers = intOption(argv, '--workers', 2);
  const dataset = datasetFrom(argv, size);
  const loader = createLoader({
    dataset, batchSize, size, workers, seed: intOption(argv, '--seed', 0), epochs: Infinity,
    augment: !argv.includes('--no-augment'), skipBad: argv.includes('--skip-bad'),
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
  console.log(`${dataset.name}: size ${size}, batch ${batchSize}, workers ${workers}: ` +
    `${((batches * batchSize) / secs).toFixed(1)} samples/s steady (${st.capacitySamplesPerS.toFixed(1)} samples/s capacity, ${st.samples} samples in ${st.elapsedS.toFixed(1)} s incl. start-up)`);
}

export async function dataCommand(argv: string[]): Promise<void> {
  const command = argv[0];
  if (!command || command === 'help' || argv.includes('--help')) {
    console.log(HELP);
    return;
  }
  if (command === 'grid') return grid(argv.slice(1));
  if (command === 'bench') return bench(argv.slice(1));
  throw new Error(`unknown data command "${command}" (expected grid or bench)`);
}

// Direct use: npx tsx src/cli/data.ts grid --out out/grid.png
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  dataCommand(process.argv.slice(2)).catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
