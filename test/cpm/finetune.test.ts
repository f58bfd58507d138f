// train --init-from: a checkpoint's values seed the model; with a different joint count the output
// convs start afresh and mconv1 keeps its feature and center weights, or the run is refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getConfig } from '../../src/cpm/config.js';
import { encodeCheckpoint } from '../../src/cpm/checkpoint.js';
import { fineTuneConfig, initParams } from '../../src/cpm/finetune.js';
import { CpmModel } from '../../src/cpm/model.js';
import { train } from '../../src/cpm/train.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { init, type Engine } from '../../src/index.node.js';
import { randomParams } from './caffe-helpers.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const tiny = getConfig('tiny');
const nine = { ...tiny, name: 'tiny-flic', joints: 9 };

test('same joints: every tensor comes from the checkpoint; a different joint count needs --reinit-outputs', () => {
  const from = randomParams(tiny, 1),
    fresh = randomParams(tiny, 2);
  const got = initParams(tiny, { config: tiny, params: from }, fresh, { source: 'a.safetensors' });
  for (const [name, t] of got) assert.is(t, from.get(name), name);
  assert.throws(
    () => initParams(tiny, { config: nine, params: randomParams(nine, 1) }, fresh, { source: 'flic.safetensors' }),
    /flic.safetensors: the checkpoint predicts 9 joints, training needs 14; pass --reinit-outputs/,
  );
  const wide = { ...tiny, trunkChannels: 5 };
  assert.throws(
    () => initParams(tiny, { config: wide, params: randomParams(wide, 1) }, fresh, { source: 'w.safetensors' }),
    /w.safetensors: "stage1.conv1.weight" has shape \[5,3,3,3\], the tiny configuration needs \[4,3,3,3\]/,
  );
});

test('9 → 14 joints with --reinit-outputs: outputs fresh, mconv1 keeps its feature and center input weights', () => {
  const from = randomParams(nine, 1),
    fresh = randomParams(tiny, 2);
  const got = initParams(tiny, { config: nine, params: from }, fresh, { source: 'flic.safetensors', reinitOutputs: true });
  for (const name of ['stage1.conv7.weight', 'stage1.conv7.bias', 'stage2.mconv5.weight', 'stage2.mconv5.bias'])
    assert.is(got.get(name), fresh.get(name), name);
  for (const name of ['stage1.conv1.weight', 'trunk.conv3.bias', 'stage2.features.weight', 'stage2.mconv1.bias', 'stage2.mconv4.weight'])
    assert.is(got.get(name), from.get(name), name);
  const m = got.get('stage2.mconv1.weight')!,
    theirs = from.get('stage2.mconv1.weight')!,
    mine = fresh.get('stage2.mconv1.weight')!;
  assert.equal(m.shape, [6, 4 + 15 + 1, 3, 3]);
  const at = (t: typeof m, o: number, c: number) => Array.from(t.data.subarray((o * t.shape[1]! + c) * 9, (o * t.shape[1]! + c + 1) * 9));
  for (let o = 0; o < 6; o++) {
    for (let c = 0; c < 4; c++) assert.equal(at(m, o, c), at(theirs, o, c), `feature input ${c}`);
    for (let c = 4; c < 19; c++) assert.equal(at(m, o, c), at(mine, o, c), `belief input ${c}`);
    assert.equal(at(m, o, 19), at(theirs, o, 4 + 10), 'center input');
  }
  assert.equal(fineTuneConfig(nine), { ...nine, joints: 14, name: 'tiny-flic-14joints' });
});

test("train --init-from: the first step starts from the checkpoint (its loss is the checkpoint's, not a fresh model's)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-'));
  const base = { config: tiny, batchSize: 2, workers: 0, quiet: true, steps: 1, seed: 3, lr: 0 };
  const donor = new CpmModel(engine, tiny, 42);
  const ck = join(dir, 'donor.safetensors');
  writeFileAtomic(ck, await encodeCheckpoint(donor, null, { step: 0 }));
  const fromDonor = await train(engine, { ...base, out: join(dir, 'a'), initFrom: ck });
  const fresh = await train(engine, { ...base, out: join(dir, 'b') });
  const w = (r: typeof fresh) => r.model.param('stage2.mconv2.weight').read();
  assert.equal(Array.from(await w(fromDonor)), Array.from(await donor.param('stage2.mconv2.weight').read()), "lr 0: the weights stay the donor's");
  assert.not.equal(fromDonor.records[0]!.loss, fresh.records[0]!.loss);
  for (const r of [fromDonor, fresh]) {
    r.model.dispose();
    r.optimizer.dispose();
  }
  donor.dispose();
});

test.run();
