// Where a training step's GPU time goes: one CPM training step after warm-up, GPU time per op
// (timestamp queries), wall time, dispatch and submit counts.
// npx tsx bench/profile-step.ts [--config NAME] [--batch N] [--by binding|kernel]
import { createLoader, openDataset } from '../src/data/index.js';
import { CpmModel, getConfig, init } from '../src/index.node.js';
import { makeOptimizer, trainStep } from '../src/cpm/step.js';
import { fftKernelName } from '../src/shaders/fft/fft.js';
import { CONFIGS } from '../src/cpm/config.js';
import { choice, int, parseCommand, type Command } from '../src/cli/options.js';
import { runCli } from '../src/cli/run.js';

const PROFILE_COMMAND = {
  name: 'profile-step',
  usage: 'npx tsx bench/profile-step.ts [options]',
  summary: 'GPU time per op of one CPM training step after three warm-up steps.',
  options: {
    config: choice(Object.keys(CONFIGS), 'the CPM configuration', { default: 'cpm-mini' }),
    batch: int('images per step', { min: 1, default: 4 }),
    by: choice(['op', 'binding', 'kernel'], "split each op's time by its bindings' sizes (tells layers apart) or by kernel (FFT kernels by name and size)", {
      default: 'op',
    }),
  },
} as const satisfies Command;

runCli('profile-step', async () => {
  const a = parseCommand(PROFILE_COMMAND, process.argv.slice(2));
  if (a) await profile(a.values);
});

async function profile(o: { config: string; batch: number; by: 'op' | 'binding' | 'kernel' }): Promise<void> {
  const config = getConfig(o.config);
  const batchSize = o.batch;
  const engine = await init({});
  console.log(engine.describe());
  const dispatch = engine.dispatch.bind(engine);
  if (o.by === 'kernel')
    engine.dispatch = (a) => dispatch({ ...a, op: `${a.op} ${fftKernelName(a.kernel.code) ?? 'direct'} [${Math.round(a.bindings[0]!.size / 1024)}]` });
  if (o.by === 'binding') engine.dispatch = (a) => dispatch({ ...a, op: `${a.op} [${a.bindings.map((b) => Math.round(b.size / 1024)).join(',')}]` });
  const model = new CpmModel(engine, config, 0);
  const optimizer = makeOptimizer(model, { config });
  const dataset = openDataset(undefined, { seed: 0, imageSize: Math.round(config.inputSize * 1.25), split: 'train' });
  const loader = createLoader({ dataset, batchSize, size: config.inputSize, seed: 0, workers: 1, epochs: Infinity });
  const opts = { microBatch: batchSize, strategy: 'e2e' as const, steps: 10, seed: 0 };
  let step = 0;
  for await (const batch of loader) {
    if (step === 4) break;
    const timed = step === 3 && engine.beginGpuTiming();
    const d0 = engine.dispatches,
      s0 = engine.submits;
    const t0 = performance.now();
    await trainStep(model, optimizer, batch, { ...opts, step });
    await engine.sync();
    const wall = performance.now() - t0;
    console.log(`step ${step + 1}: ${wall.toFixed(0)} ms wall, ${engine.dispatches - d0} dispatches, ${engine.submits - s0} submits`);
    if (timed) {
      const ns = (await engine.endGpuTiming())!;
      console.log(`GPU ${(ns / 1e6).toFixed(0)} ms (${((ns / 1e6 / wall) * 100).toFixed(0)} % of wall); ${(batchSize / (wall / 1000)).toFixed(2)} img/s`);
      const rows = [...engine.lastGpuTimingByOp].sort((a, b) => b[1].ns - a[1].ns);
      for (const [op, v] of rows)
        console.log(
          `  ${op.padEnd(28)} ${(v.ns / 1e6).toFixed(1).padStart(8)} ms  ${String(v.passes).padStart(4)} passes  ${((v.ns / ns) * 100).toFixed(1)} %`,
        );
    }
    step++;
  }
  await loader.close();
}
