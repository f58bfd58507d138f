// One timed CPM forward pass on a seeded model and a generated sample: the same code in the page
// (window.cpmDemo.forward) and in Node (test/browser/browser.test.ts), for parity and timings.
import type * as Lib from '../src/index.js';
import type { Engine } from '../src/index.js';

export interface TimedForward {
  /** Each stage's beliefs, N·(P+1)·G·G values. */
  beliefs: number[][];
  /** Median over `repeats` runs after a warm-up (pipelines compiled), from upload to the last belief read back. */
  ms: number;
}

export async function timedForward(
  lib: typeof Lib,
  engine: Engine,
  configName: string,
  modelSeed: number,
  sampleSeed: number,
  repeats = 5,
): Promise<TimedForward> {
  const c = lib.getConfig(configName);
  const m = new lib.CpmModel(engine, c, modelSeed);
  const raw = lib.data.generateSample(lib.data.generatedSpec({ seed: sampleSeed, split: 'val', imageSize: Math.round(c.inputSize * 1.25) }), 0);
  const sample = lib.data.preprocessForEval(raw, { size: c.inputSize });
  const S = c.inputSize;
  const run = () =>
    lib.noGrad(engine, () =>
      engine.tidy(() => m.forward(lib.tensor(sample.image, [1, 3, S, S]), lib.tensor(sample.center, [1, 1, S, S]), { training: false })),
    );
  for (const t of run()) await t.read().then(() => t.dispose()); // warm-up: compiles the pipelines
  let beliefs: number[][] = [];
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const out = run();
    beliefs = [];
    for (const t of out) beliefs.push(Array.from(await t.read()));
    times.push(performance.now() - t0);
    for (const t of out) t.dispose();
  }
  m.dispose();
  return { beliefs, ms: times.sort((a, b) => a - b)[Math.floor(repeats / 2)]! };
}
