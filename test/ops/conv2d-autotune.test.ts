// The conv2d autotuner: shapes run while tuning is on are measured with every available variant,
// the fastest is kept per adapter and shape in the store, later calls use it, and a store's bad
// entries are ignored. (Each variant's numbers are checked in conv2d.test.ts.)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init,
  randn,
  conv2d,
  conv2dForward,
  conv2dAvailableVariants,
  conv2dCandidates,
  enableConv2dAutotune,
  disableConv2dAutotune,
  tuneConv2d,
  conv2dTuningPending,
  fileTuningStore,
  backward,
  asParameter,
  ones,
  tidy,
  type Engine,
} from '../../src/index.node.js';
import { adapterKey, caseKey } from '../../src/shaders/conv2d/tuning.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const shape = { n: 2, cin: 5, h: 9, w: 11, cout: 6, kh: 3, kw: 3, stride: 1, padding: 1 };

test('a training step marks forward, dX and dW pending; tuning picks one measured variant each and saves it', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tune-')), 'tuning.json');
  enableConv2dAutotune(engine, { store: fileTuningStore(file) });
  const x = asParameter(randn([2, 5, 9, 11], { seed: 1 }), 'x');
  const w = asParameter(randn([6, 5, 3, 3], { seed: 2 }), 'w');
  tidy(() => {
    const y = conv2d(x, w, null, { padding: 1 });
    backward(y, ones(y.shape));
  });
  assert.ok(conv2dTuningPending(engine));
  const results = await tuneConv2d(engine, { reps: 1 });
  assert.equal(results.map((r) => r.key).sort(), ['dW', 'dX', 'forward'].map((kind) => caseKey({ kind: kind as 'dW', ...shape })).sort());
  for (const r of results) {
    // Every direct variant and every FFT tile size that can run the shape (a 3×3 kernel at 9×11: all of them).
    const available = conv2dCandidates(engine, r.case);
    assert.ok(available.includes('fft8') && available.includes('fft128') && available.includes(conv2dAvailableVariants(engine)[0]!));
    assert.equal(Object.keys(r.ms).sort(), [...available].sort(), `${r.key}: every candidate measured`);
    assert.ok(Object.values(r.ms).every((ms) => ms! > 0));
    assert.is(
      r.chosen,
      available.reduce((a, b) => (r.ms[b]! < r.ms[a]! ? b : a)),
      `${r.key}: the fastest is kept`,
    );
  }
  assert.not.ok(conv2dTuningPending(engine));
  const saved = JSON.parse(readFileSync(file, 'utf8'))[adapterKey(engine)];
  for (const r of results) assert.is(saved[r.key], r.chosen);
  // A new session with the same store has nothing left to tune for this shape.
  enableConv2dAutotune(engine, { store: fileTuningStore(file) });
  tidy(() => {
    const y = conv2d(x, w, null, { padding: 1 });
    backward(y, ones(y.shape));
  });
  assert.not.ok(conv2dTuningPending(engine));
  assert.equal(await tuneConv2d(engine), []);
  disableConv2dAutotune(engine);
  for (const t of [x, w]) t.dispose();
});

/** The kernels `fn` dispatches, and what it returns. */
function kernelsOf<T>(fn: () => T): { kernels: string[]; out: T } {
  const dispatch = engine.dispatch;
  const kernels: string[] = [];
  engine.dispatch = (a) => {
    kernels.push(a.kernel.code);
    dispatch.call(engine, a);
  };
  try {
    return { kernels, out: fn() };
  } finally {
    engine.dispatch = dispatch;
  }
}

test("a tuned choice runs that variant's kernels and numbers, and unknown or damaged entries are ignored", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tune-'));
  const key = caseKey({ kind: 'forward', ...shape });
  const x = randn([2, 5, 9, 11], { seed: 3 });
  const w = randn([6, 5, 3, 3], { seed: 4 });
  const codes = new Set<string>();
  for (const variant of conv2dAvailableVariants(engine)) {
    const file = join(dir, `${variant}.json`);
    writeFileSync(file, JSON.stringify({ [adapterKey(engine)]: { [key]: variant } }));
    enableConv2dAutotune(engine, { store: fileTuningStore(file) });
    const tuned = kernelsOf(() => tidy(() => conv2dForward(x, w, null, { padding: 1 })));
    assert.not.ok(conv2dTuningPending(engine), `${variant}: taken from the store`);
    disableConv2dAutotune(engine);
    const forced = kernelsOf(() => tidy(() => conv2dForward(x, w, null, { padding: 1, variant })));
    assert.equal(tuned.kernels, forced.kernels, `${variant}: the same kernels`);
    assert.equal(Array.from(await tuned.out.read()), Array.from(await forced.out.read()), variant);
    codes.add(tuned.kernels.join());
  }
  assert.ok(codes.size > 1, 'the variants differ in their kernels');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ [adapterKey(engine)]: { [key]: 'no-such-variant' } }));
  enableConv2dAutotune(engine, { store: fileTuningStore(bad) });
  tidy(() => conv2dForward(x, w, null, { padding: 1 }));
  assert.ok(conv2dTuningPending(engine), 'an unknown variant name is re-tuned, not used');
  writeFileSync(bad, '{ not json');
  const warn = console.warn;
  console.warn = () => {};
  try {
    enableConv2dAutotune(engine, { store: fileTuningStore(bad) });
  } finally {
    console.warn = warn;
  }
  tidy(() => conv2dForward(x, w, null, { padding: 1 }));
  assert.ok(conv2dTuningPending(engine), 'a damaged file counts as empty');
  const results = await tuneConv2d(engine, { reps: 1 });
  assert.is(results.length, 1);
  assert.ok(JSON.parse(readFileSync(bad, 'utf8'))[adapterKey(engine)][key], 'the damaged file is rewritten with the choice');
  disableConv2dAutotune(engine);
  for (const t of [x, w]) t.dispose();
});

test.run();
