import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, zeros, ones, fullOf, randn, rand, type Engine } from '../../src/index.node.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

test('typed arrays round-trip exactly, on odd sizes', async () => {
  for (const n of [1, 3, 7, 255, 1001]) {
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3 + i / 7);
    const t = tensor(data, [n]);
    assert.equal(Array.from(await t.read()), Array.from(data), `n=${n}`);
    t.dispose();
  }
  const t = tensor([1, 2, 3, 4, 5, 6], [2, 3, 1]);
  assert.equal(t.shape, [2, 3, 1]);
  assert.is(t.size, 6);
  t.dispose();
});

test('zeros, ones and full', async () => {
  assert.equal(Array.from(await zeros([2, 3]).read()), [0, 0, 0, 0, 0, 0]);
  assert.equal(Array.from(await ones([5]).read()), [1, 1, 1, 1, 1]);
  assert.equal(Array.from(await fullOf([3], -2.5).read()), [-2.5, -2.5, -2.5]);
});

test('seeded random normal and uniform: deterministic, with the right moments', async () => {
  const a = await randn([20000], { seed: 7, mean: 1, std: 2 }).read();
  const b = await randn([20000], { seed: 7, mean: 1, std: 2 }).read();
  const c = await randn([20000], { seed: 8, mean: 1, std: 2 }).read();
  assert.equal(Array.from(a), Array.from(b));
  assert.not.equal(Array.from(a.slice(0, 10)), Array.from(c.slice(0, 10)));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  // Standard error of the mean is 2/sqrt(20000) = 0.014; 0.06 is > 4 of them.
  assert.ok(Math.abs(mean - 1) < 0.06, `mean ${mean}`);
  assert.ok(Math.abs(std - 2) < 0.06, `std ${std}`);
  const u = await rand([10000], { seed: 1, low: -3, high: 5 }).read();
  assert.ok(u.every((v) => v >= -3 && v < 5));
  assert.ok(Math.abs(u.reduce((s, v) => s + v, 0) / u.length - 1) < 0.1);
});

test('reshape shares storage; the buffer survives until the last handle goes', async () => {
  const before = engine.memory().liveBuffers;
  const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const r = t.reshape([3, 2]);
  assert.equal(r.shape, [3, 2]);
  t.dispose();
  assert.equal(Array.from(await r.read()), [1, 2, 3, 4, 5, 6]);
  assert.is(engine.memory().liveBuffers, before + 1);
  r.dispose();
  assert.is(engine.memory().liveBuffers, before);
  assert.throws(() => tensor([1, 2, 3], [3]).reshape([2, 2]), /cannot reshape/);
});

test('wrong data length and bad shapes are refused with the tensor named', () => {
  assert.throws(() => tensor([1, 2, 3], [2, 2], 'weights'), /weights: data has 3 values but shape \[2, 2\] needs 4/);
  assert.throws(() => zeros([2, -1]), /invalid shape/);
});

test('many small ops are recorded into few submits, and nothing is read back unless asked', async () => {
  const { add } = await import('../../src/index.node.js');
  await engine.sync();
  const submits = engine.submits;
  const dispatches = engine.dispatches;
  engine.tidy(() => {
    let x = ones([64]);
    for (let i = 0; i < 100; i++) x = add(x, x);
  });
  await engine.sync();
  assert.is(engine.dispatches - dispatches >= 100, true);
  assert.ok(engine.submits - submits <= 4, `${engine.submits - submits} submits for 100+ dispatches`);
});

test.run();
