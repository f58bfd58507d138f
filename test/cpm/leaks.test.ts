// Training leaks nothing: after the first step (which creates the gradients and the momentum), the
// engine's live tensors and bytes are the same after every further step of the tiny CPM, and nothing
// is left once the model and optimizer are disposed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, setConv2dAlgorithm, SGD, type Engine } from '../../src/index.node.js';
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
    // With 'fft' every layer it can run takes it, and the forward keeps its kernel spectra for dX until the backward.
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

test.run();
