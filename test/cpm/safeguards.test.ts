// What keeps a training run's results trustworthy: divergence stops it by step and stage, nothing
// non-finite is written or loaded, and --resume continues only what it can continue exactly.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, type Engine } from '../../src/index.node.js';
import { getConfig } from '../../src/cpm/config.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/cpm/checkpoint-file.js';
import { parseCheckpoint } from '../../src/cpm/checkpoint.js';
import { checkGradients, train, TrainingDiverged } from '../../src/cpm/train.js';
import { CpmModel } from '../../src/cpm/model.js';
import { fromArray } from '../../src/tensor/tensor.js';
import { lockFolder } from '../../src/io/lock.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const base = { config: getConfig('tiny'), batchSize: 2, workers: 0, quiet: true, lr: 3e-3, seed: 5 };
const temp = (): string => mkdtempSync(join(tmpdir(), 'cpm-guard-'));

async function refusal(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  assert.unreachable('was accepted');
  return new Error();
}

test('a non-finite loss stops training, naming the step and the stage, and leaves the last good checkpoint', async () => {
  const out = temp();
  const e = await refusal(() => train(engine, { ...base, lr: 1e38, steps: 20, checkpointEvery: 1, out }));
  assert.instance(e, TrainingDiverged);
  const m = /^training diverged at step (\d+): the stage (\d) loss is (NaN|Infinity|-Infinity) .*; (.*) is untouched \(the last good one\)$/.exec(e.message);
  assert.ok(m, e.message);
  const ck = loadCheckpoint(join(out, 'checkpoint.safetensors'));
  assert.is(ck.step, Number(m![1]) - 1, 'the checkpoint is the one before the bad step');
});

test('a non-finite gradient is caught, naming the parameter', async () => {
  const model = new CpmModel(engine, getConfig('tiny'), 0);
  for (const [name, p] of model.params) {
    const g = new Float32Array(p.size);
    if (name === 'stage2.mconv3.weight') g[7] = -Infinity;
    p.grad = fromArray(engine, g, p.shape);
  }
  const e = await refusal(() => checkGradients(model, 12)());
  assert.instance(e, TrainingDiverged);
  assert.is(e.message, 'training diverged at step 12: the gradient of "stage2.mconv3.weight" is not finite (its sum is -Infinity)');
  const p = model.params.get('stage2.mconv3.weight')!;
  p.grad = fromArray(engine, new Float32Array(p.size), p.shape);
  await checkGradients(model, 13)();
  model.dispose();
});

test('a checkpoint is never written with non-finite values; the file already there stays', async () => {
  const out = temp();
  const r = await train(engine, { ...base, steps: 1, out });
  const path = join(out, 'checkpoint.safetensors');
  const good = readFileSync(path);
  const values = await r.model.read();
  values.get('stage2.mconv1.weight')!.data[3] = NaN;
  r.model.load(values);
  const e = await refusal(() => saveCheckpoint(path, r.model, r.optimizer, { step: 2 }));
  assert.match(e.message, /checkpoint at step 2 not written: tensor "stage2.mconv1.weight" is not finite \(element 3 is NaN\)/);
  assert.equal(readFileSync(path), good);
  r.model.dispose();
  r.optimizer.dispose();
});

test('loading refuses non-finite weights and non-finite optimizer state, naming the tensor', async () => {
  const out = temp();
  const r = await train(engine, { ...base, steps: 1, out });
  r.model.dispose();
  r.optimizer.dispose();
  const file = decodeSafetensors(readFileSync(join(out, 'checkpoint.safetensors')));
  for (const [name, value] of [
    ['stage1.conv1.bias', Infinity],
    ['optim.adam.m.stage1.conv1.weight', NaN],
  ] as const) {
    const tensors = new Map([...file.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data.slice() }]));
    assert.ok(tensors.has(name), `${name} in ${[...tensors.keys()].join(', ')}`);
    tensors.get(name)!.data[0] = value;
    const e = await refusal(async () => parseCheckpoint(encodeSafetensors(tensors, file.metadata), 'bad.safetensors'));
    assert.ok(e.message.startsWith(`bad.safetensors: tensor "${name}" is not finite (element 0 is ${value})`), e.message);
  }
});

test('--resume refuses a different seed, batch, strategy or configuration, naming each; resume-anyway continues', async () => {
  const out = temp();
  (await train(engine, { ...base, steps: 2, out })).model.dispose();
  const e = await refusal(() => train(engine, { ...base, seed: 6, batchSize: 4, strategy: 'last-stage', steps: 3, out, resume: true }));
  assert.match(e.message, /cannot continue this run exactly/);
  assert.match(e.message, /seed: checkpoint 5, now 6/);
  assert.match(e.message, /batchSize: checkpoint 2, now 4/);
  assert.match(e.message, /strategy: checkpoint "e2e", now "last-stage"/);
  const c = await refusal(() => train(engine, { ...base, config: { ...base.config, dropout: 0.5 }, steps: 3, out, resume: true }));
  assert.match(c.message, /config: checkpoint "tiny"/);
  const r = await train(engine, { ...base, seed: 6, steps: 3, out, resume: true, resumeAnyway: true });
  assert.is(r.records[0]!.step, 3);
  r.model.dispose();
  const none = await refusal(() => train(engine, { ...base, steps: 3, out: temp(), resume: true }));
  assert.match(none.message, /resume: there is no checkpoint at .*checkpoint\.safetensors/);
});

test('--resume appends to train.jsonl: earlier lines are kept byte for byte, a partial last line is dropped', async () => {
  const out = temp();
  const log = join(out, 'train.jsonl');
  (await train(engine, { ...base, steps: 3, checkpointEvery: 2, out })).model.dispose();
  const before = readFileSync(log, 'utf8');
  assert.is(before.split('\n').filter(Boolean).length, 3);
  assert.is(loadCheckpoint(join(out, 'checkpoint.safetensors')).step, 3);
  // A crash after step 3's checkpoint, halfway through writing a line.
  appendFileSync(log, '{"step":4,"ima');
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (s: string) => {
    warnings.push(s);
  };
  try {
    (await train(engine, { ...base, steps: 4, out, resume: true })).model.dispose();
  } finally {
    console.warn = warn;
  }
  assert.ok(
    warnings.some((w) => w.includes(`${log}: dropped a partial last line`)),
    warnings.join('\n'),
  );
  const after = readFileSync(log, 'utf8');
  assert.ok(after.startsWith(before), 'the earlier lines are untouched');
  assert.equal(
    after
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { step: number }).step),
    [1, 2, 3, 4],
  );
});

test("a training run into a folder another live process holds is refused; a dead owner's lock is taken over", async () => {
  const out = temp();
  const lock = lockFolder(out);
  const e = await refusal(() => train(engine, { ...base, steps: 1, out }));
  assert.match(e.message, new RegExp(`is in use by process ${process.pid} \\(lock file .*\\.lock\\)`));
  lock.release();
  writeFileSync(join(out, '.lock'), '999999999\n'); // above Linux's pid_max: no such process
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (s: string) => {
    warnings.push(s);
  };
  try {
    (await train(engine, { ...base, steps: 1, out })).model.dispose();
  } finally {
    console.warn = warn;
  }
  assert.ok(
    warnings.some((w) => /taking over a stale lock of process 999999999/.test(w)),
    warnings.join('\n'),
  );
});

test.run();
