// Training leaks nothing: after the first step (which creates the gradients and the momentum), the
// engine's live tensors and bytes are the same after every further step of the tiny CPM, and nothing
// is left once the model and optimizer are disposed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, conv2d, init, l2Loss, noGrad, parameter, setConv2dAlgorithm, SGD, tensor, tidy, type Engine } from '../../src/index.node.js';
import { testData } from '../reference/data.js';
import { getConfig } from '../../src/cpm/config.js';
import { CpmModel } from '../../src/cpm/model.js';
import { paperGroups, trainStep } from '../../src/cpm/step.js';
import { createLoader, openDataset } from '../../src/data/index.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

for (const algorithm of [undefined, 'fft'] as const)
  test(`live tensors and live bytes stay constant over training steps of the tiny config (micro-batches accumulating; ${algorithm ?? 'default'} convolutions)`, async () => {
    // With 'fft' every layer it can run takes it (too small to share transforms between forward, dX and dW: the test below does).
    setConv2dAlgorithm(engine, algorithm);
    const tiny = getConfig('tiny');
    const before = engine.memory();
    const model = new CpmModel(engine, tiny, 1);
    const optimizer = new SGD(paperGroups(model), { lr: 1e-5, momentum: 0.9, weightDecay: 5e-4 });
    const size = tiny.inputSize;
    const loader = createLoader({
      dataset: openDataset(undefined, { seed: 1, imageSize: Math.round(size * 1.25) }),
      batchSize: 2,
      size,
      seed: 1,
      workers: 0,
      augment: false,
      epochs: Infinity,
    });
    const batches = loader[Symbol.asyncIterator]();
    const steps = 5;
    const live: { tensors: number; bytes: number }[] = [];
    for (let step = 0; step < steps; step++) {
      const batch = (await batches.next()).value!;
      await trainStep(model, optimizer, batch, { microBatch: 1, strategy: 'e2e', step, steps, seed: 1 });
      await engine.sync();
      const m = engine.memory();
      live.push({ tensors: m.liveTensors, bytes: m.liveBytes });
    }
    await loader.close();
    // Parameters, their gradients and their momentum: three tensors per parameter after the first step.
    assert.is(live[0]!.tensors, 3 * model.params.size);
    for (let step = 1; step < steps; step++) assert.equal(live[step], live[0], `after step ${step + 1}`);
    model.dispose();
    optimizer.dispose();
    const after = engine.memory();
    assert.equal([after.liveTensors, after.liveBytes], [before.liveTensors, before.liveBytes], 'nothing is left once the model and the optimizer are disposed');
    setConv2dAlgorithm(engine, undefined);
  });

test('FFT layers sharing transforms under autograd (kernel spectra kept from forward to dX, dY spectra from dX to dW) leak nothing over SGD steps', async () => {
  const before = engine.memory();
  // The second layer's input needs a gradient, so it keeps and shares; the first's does not.
  const o = { variant: 'fft16' as const, padding: 2, shareSpectra: true };
  const w1 = parameter(testData(4 * 3 * 25, 1), [4, 3, 5, 5], 'w1');
  const w2 = parameter(testData(2 * 4 * 25, 2), [2, 4, 5, 5], 'w2');
  const x = tensor(testData(2 * 3 * 144, 3), [2, 3, 12, 12]);
  const target = tensor(testData(2 * 2 * 144, 4), [2, 2, 12, 12]);
  const optimizer = new SGD([w1, w2], { lr: 1e-3, momentum: 0.9 });
  const live: [number, number][] = [];
  for (let step = 0; step < 4; step++) {
    const loss = tidy(() => l2Loss(conv2d(conv2d(x, w1, null, { ...o, relu: true }), w2, null, o), target));
    backward(loss);
    loss.dispose();
    noGrad(engine, () => optimizer.step());
    optimizer.zeroGrad();
    await engine.sync();
    const m = engine.memory();
    live.push([m.liveTensors, m.liveBytes]);
  }
  for (let step = 1; step < 4; step++) assert.equal(live[step], live[0], `after step ${step + 1}`);
  for (const t of [w1, w2, x, target]) t.dispose();
  optimizer.dispose();
  const after = engine.memory();
  assert.equal([after.liveTensors, after.liveBytes], [before.liveTensors, before.liveBytes], 'nothing is left');
});

test.run();
