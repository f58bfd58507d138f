// Training on the tiny configuration: the loss falls, a resumed run continues bit for bit, and the
// tensor-file run (docs/formats.md#tensor-files) matches a float64 CPU forward.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, type Engine } from '../../src/index.node.js';
import { getConfig } from '../../src/cpm/config.js';
import { CpmModel } from '../../src/cpm/model.js';
import { makeOptimizer } from '../../src/cpm/step.js';
import { train } from '../../src/cpm/train.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { loadCheckpoint } from '../../src/cpm/checkpoint-file.js';
import { runTensorFile } from '../../src/cli/train.js';
import { openDataset, createLoader } from '../../src/data/index.js';
import { assertAllClose } from '../reference/close.js';
import { cpmForwardRef } from '../reference/cpm.js';
import { encodeJpeg, lspetFolder } from '../data/helpers.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const tiny = getConfig('tiny');
const base = { config: tiny, batchSize: 4, workers: 0, quiet: true, lr: 3e-3, seed: 5 };

test("the optimizer comes from the configuration's recipe unless one is asked for", () => {
  assert.is(getConfig('paper').optimizer, 'sgd');
  assert.is(getConfig('flic').optimizer, 'sgd');
  const model = new CpmModel(engine, tiny, 0);
  const chosen = [
    makeOptimizer(model, { config: tiny }),
    makeOptimizer(model, { config: { ...tiny, optimizer: 'sgd' } }),
    makeOptimizer(model, { config: { ...tiny, optimizer: 'sgd' }, optimizer: 'adam' }),
  ];
  assert.ok(chosen[0] instanceof Adam);
  assert.ok(chosen[1] instanceof SGD);
  assert.ok(chosen[2] instanceof Adam);
  for (const o of chosen) o.dispose();
  model.dispose();
});

test('a tiny CPM on generated images drives the summed loss under 40 % of its start', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cpm-train-'));
  const r = await train(engine, { ...base, steps: 40, out });
  const first = r.records[0]!.loss;
  const lastFive = r.records.slice(-5).reduce((a, x) => a + x.loss, 0) / 5;
  assert.ok(lastFive < 0.4 * first, `loss ${first.toFixed(3)} → ${lastFive.toFixed(3)}`);
  assert.is(r.records[0]!.stages.length, 2);
  r.model.dispose();
  r.optimizer.dispose();
});

test("resuming from a checkpoint reproduces the uninterrupted run's next losses exactly", async () => {
  const a = mkdtempSync(join(tmpdir(), 'cpm-a-'));
  const b = mkdtempSync(join(tmpdir(), 'cpm-b-'));
  const whole = await train(engine, { ...base, steps: 8, out: a, config: { ...tiny, dropout: 0.3 } });
  const firstHalf = await train(engine, { ...base, steps: 4, out: b, config: { ...tiny, dropout: 0.3 } });
  assert.equal(
    firstHalf.records.map((r) => r.loss),
    whole.records.slice(0, 4).map((r) => r.loss),
    'same seed → same curve',
  );
  const resumed = await train(engine, { ...base, steps: 8, out: b, resume: true, config: { ...tiny, dropout: 0.3 } });
  assert.is(resumed.records[0]!.step, 5);
  assert.equal(
    resumed.records.map((r) => r.stages),
    whole.records.slice(4).map((r) => r.stages),
  );
  assert.is(loadCheckpoint(join(b, 'checkpoint.safetensors')).step, 8);
  for (const r of [whole, firstHalf, resumed]) {
    r.model.dispose();
    r.optimizer.dispose();
  }
});

test('a dataset sample that cannot be read stops training with its file named, or is left out and reported with skipBad', async () => {
  const images = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`im0000${i + 1}.jpg`, encodeJpeg(80, 90)]));
  images['im00003.jpg'] = images['im00003.jpg']!.subarray(0, 200);
  const dataset = lspetFolder(images);
  const opts = { ...base, batchSize: 2, steps: 3, dataset, augment: false as const };
  try {
    await train(engine, { ...opts, out: mkdtempSync(join(tmpdir(), 'cpm-bad-')) });
    assert.unreachable('a truncated image must stop the run');
  } catch (e) {
    assert.match((e as Error).message, /im00003\.jpg/);
  }
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => void warnings.push(m);
  try {
    const r = await train(engine, { ...opts, skipBad: true, out: mkdtempSync(join(tmpdir(), 'cpm-skip-')) });
    assert.is(r.records.length, 3);
    assert.equal(
      r.skipped.map((s) => s.source.endsWith('im00003.jpg')),
      [true],
    );
    assert.is(warnings.filter((m) => m.includes('im00003.jpg')).length, 1, 'reported once');
    r.model.dispose();
    r.optimizer.dispose();
  } finally {
    console.warn = warn;
  }
});

test('the tensor-file run (beliefs, losses, gradients) matches a float64 CPU forward', async () => {
  const model = new CpmModel(engine, tiny, 3);
  const loader = createLoader({ dataset: openDataset(undefined, { seed: 1, imageSize: 40 }), batchSize: 1, size: 32, seed: 1, workers: 0, augment: false });
  const batch = (await loader[Symbol.asyncIterator]().next()).value!;
  await loader.close();
  const input = new Map([
    ['image', { shape: [1, 3, 32, 32], data: batch.image }],
    ['center', { shape: [1, 1, 32, 32], data: batch.center }],
    ['target', { shape: [1, 15, 4, 4], data: batch.target }],
    ['target_stage1', { shape: [1, 15, 4, 4], data: batch.targetAll }],
  ]);
  const out = await runTensorFile(engine, model, input, true);
  const ref = cpmForwardRef(tiny, await model.read(), batch.image, batch.center);
  for (let t = 0; t < 2; t++) {
    // float32 vs float64 through ~10 layers: relative 1e-4 of the map's range.
    assertAllClose(out.get(`belief.stage${t + 1}`)!.data, ref[t]!, `stage ${t + 1} belief`, 1e-4, { minRange: 1e-3 });
    const target = t === 0 ? batch.targetAll : batch.target;
    const loss = ref[t]!.reduce((s, v, i) => s + (v - target[i]!) ** 2, 0) / 2;
    assert.ok(Math.abs(out.get(`loss.stage${t + 1}`)!.data[0]! - loss) < 1e-4 * Math.max(1, loss));
  }
  assert.ok(out.has('grad.stage2.mconv1.weight') && out.has('grad.stage1.conv1.weight') && out.has('grad.trunk.conv3.bias'));
  assert.is(out.get('grad.stage2.mconv1.weight')!.shape.join(), '6,20,3,3');
  model.dispose();
});

test.run();
