// GFLOP/s of conv2d forward, input gradient and weight gradient on CPM shapes, per kernel variant:
// `npx tsx bench/conv2d.ts [--variant NAME,...] [--reps N]`. Time is wall time of one call ending in
// `await engine.sync()`, median after a warm-up call (which compiles); GFLOP = 2·N·H·W·Cin·Cout·k².
import type { ConvBenchCase } from './cases.js';
import { convFlop } from './row.js';
import { int, parseCommand, text, UsageError, type Command } from '../src/cli/options.js';
import { runCli } from '../src/cli/run.js';
import {
  init,
  randn,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  conv2dAvailableVariants,
  conv2dDefaultVariant,
  tidy,
  type Engine,
  type Conv2dVariantName,
  type Tensor,
} from '../src/index.node.js';

/** A bench case with the TF.js rates this script prints beside ours (forward, dX, dW). */
export interface ConvCase extends Pick<ConvBenchCase, 'name' | 'n' | 'cin' | 'cout' | 'size' | 'k'> {
  tfjs?: [number, number | null, number | null];
}

export const CONV_CASES: ConvCase[] = [
  { name: 'conv 7×7 128→128 @46', n: 1, cin: 128, cout: 128, size: 46, k: 7, tfjs: [3.5, 5.0, 1.2] },
  { name: 'conv 11×11 128→128 @46', n: 1, cin: 128, cout: 128, size: 46, k: 11, tfjs: [3.5, null, null] },
  { name: 'conv 9×9 128→128 @92', n: 1, cin: 128, cout: 128, size: 92, k: 9 },
];

async function medianMs(engine: Engine, run: () => Tensor, reps: number): Promise<number> {
  tidy(() => void run());
  await engine.sync();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    tidy(() => void run());
    await engine.sync();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchConv(
  engine: Engine,
  c: ConvCase,
  variant: Conv2dVariantName,
  reps = 3,
): Promise<{ gflops: [number, number, number]; ms: [number, number, number] }> {
  const o = { padding: Math.floor(c.k / 2), variant };
  const x = randn([c.n, c.cin, c.size, c.size], { seed: 1 });
  const w = randn([c.cout, c.cin, c.k, c.k], { seed: 2, std: 0.01 });
  const dy = randn([c.n, c.cout, c.size, c.size], { seed: 3 });
  const flop = convFlop(c);
  const ms: [number, number, number] = [
    await medianMs(engine, () => conv2dForward(x, w, null, o), reps),
    await medianMs(engine, () => conv2dInputGrad(dy, w, x.shape, o), reps),
    await medianMs(engine, () => conv2dWeightGrad(x, dy, w.shape, o), reps),
  ];
  for (const t of [x, w, dy]) t.dispose();
  return { gflops: ms.map((m) => flop / m / 1e6) as [number, number, number], ms };
}

const CONV_COMMAND = {
  name: 'conv2d bench',
  usage: 'npx tsx bench/conv2d.ts [options]',
  summary: 'GFLOP/s of conv2d forward, dX and dW on CPM shapes, per direct kernel variant (wall time, median after a compiling call).',
  options: {
    variant: text("comma-separated variants (default: the adapter's default)", { metavar: 'NAME,...' }),
    reps: int('timed calls per kind', { min: 1, default: 3 }),
  },
} as const satisfies Command;

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli('conv2d bench', async () => {
    const a = parseCommand(CONV_COMMAND, process.argv.slice(2));
    if (!a) return;
    const engine = await init();
    const available = conv2dAvailableVariants(engine);
    const variants = (a.values.variant?.split(',') ?? [conv2dDefaultVariant(engine)]) as Conv2dVariantName[];
    for (const v of variants)
      if (!available.includes(v)) throw new UsageError(`--variant: ${JSON.stringify(v)} is not a variant this adapter runs; known: ${available.join(', ')}`);
    console.log(`variants available here: ${available.join(', ')} (default ${conv2dDefaultVariant(engine)})`);
    const f = (v: number) => v.toFixed(1).padStart(5);
    for (const c of CONV_CASES) {
      for (const v of variants) {
        const r = await benchConv(engine, c, v, a.values.reps);
        const tf = c.tfjs ? `   TF.js ${c.tfjs.map((t) => (t === null ? '  –' : t.toFixed(1))).join(' / ')}` : '';
        console.log(
          `${c.name.padEnd(24)} ${v.padEnd(8)} forward ${f(r.gflops[0])}  dX ${f(r.gflops[1])}  dW ${f(r.gflops[2])} GFLOP/s  (${r.ms.map((m) => m.toFixed(0)).join(' / ')} ms)${tf}`,
        );
      }
    }
  });
}
