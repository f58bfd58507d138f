// GFLOP/s of conv2d forward, input gradient and weight gradient on CPM shapes (wall time with engine.sync()).
import { init, randn, conv2dForward, conv2dInputGrad, conv2dWeightGrad, tidy, type Tensor } from '../src/index.node.js';

export interface ConvCase { name: string; n: number; cin: number; cout: number; size: number; k: number }

export const CONV_CASES: ConvCase[] = [
  { name: 'conv 7×7 128→128 @46', n: 1, cin: 128, cout: 128, size: 46, k: 7 },
  { name: 'conv 11×11 128→128 @46', n: 1, cin: 128, cout: 128, size: 46, k: 11 },
  { name: 'conv 9×9 128→128 @92', n: 1, cin: 128, cout: 128, size: 92, k: 9 },
];

async function timeIt(run: () => Tensor, reps: number): Promise<number> {
  const engine = (await import('../src/index.node.js')).getEngine();
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

export async function benchConv(c: ConvCase, reps = 3): Promise<{ forward: number; inputGrad: number; weightGrad: number; ms: number[] }> {
  const p = Math.floor(c.k / 2);
  const x = randn([c.n, c.cin, c.size, c.size], { seed: 1 });
  const w = randn([c.cout, c.cin, c.k, c.k], { seed: 2, std: 0.01 });
  const dy = randn([c.n, c.cout, c.size, c.size], { seed: 3 });
  const flop = 2 * c.n * c.size * c.size * c.cin * c.cout * c.k * c.k;
  const f = await timeIt(() => conv2dForward(x, w, null, { padding: p }), reps);
  const d = await timeIt(() => conv2dInputGrad(dy, w, x.shape, { padding: p }), reps);
  const g = await timeIt(() => conv2dWeightGrad(x, dy, w.shape, { padding: p }), reps);
  return { forward: flop / f / 1e6, inputGrad: flop / d / 1e6, weightGrad: flop / g / 1e6, ms: [f, d, g] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await init();
  for (const c of CONV_CASES) {
    const r = await benchConv(c);
    console.log(`${c.name.padEnd(26)} forward ${r.forward.toFixed(1)} GFLOP/s (${r.ms[0]!.toFixed(0)} ms)  dX ${r.inputGrad.toFixed(1)} (${r.ms[1]!.toFixed(0)} ms)  dW ${r.weightGrad.toFixed(1)} (${r.ms[2]!.toFixed(0)} ms)`);
  }
  process.exit(0);
}
