import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, ones, tidy, keep, relu, add, type Engine, type Tensor } from '../../src/index.node.js';
import { sizeClass } from '../../src/tensor/pool.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

test('tidy frees intermediates and keeps what is returned', async () => {
  const before = engine.memory();
  const kept = tidy(() => {
    const a = ones([10]);
    const b = add(a, a);
    return { out: relu(b), n: 3 };
  });
  const after = engine.memory();
  assert.is(after.liveTensors, before.liveTensors + 1);
  assert.equal(Array.from(await kept.out.read()), new Array(10).fill(2));
  kept.out.dispose();
  assert.is(engine.memory().liveTensors, before.liveTensors);
});

test('nested scopes hand kept tensors to the parent scope', () => {
  const before = engine.memory().liveTensors;
  let inner: Tensor | undefined;
  tidy(() => {
    inner = tidy(() => add(ones([3]), ones([3])));
    assert.ok(!inner.disposed);
  });
  assert.ok(inner!.disposed, 'freed by the outer scope');
  assert.is(engine.memory().liveTensors, before);
  const escaped = tidy(() => keep(ones([2])));
  assert.ok(!escaped.disposed);
  escaped.dispose();
});

test('10 000 create/dispose cycles inside scopes leave live memory where it started and reuse pooled buffers', async () => {
  await engine.sync();
  tidy(() => add(ones([97]), ones([97]))); // warm the pool for this size
  const before = engine.memory();
  for (let i = 0; i < 10000; i++) {
    tidy(() => {
      const a = tensor([i, 1, 2], [3]);
      return void relu(a);
    });
    if (i % 1000 === 0) engine.flush();
  }
  await engine.sync();
  const after = engine.memory();
  assert.is(after.liveTensors, before.liveTensors);
  assert.is(after.liveBytes, before.liveBytes);
  assert.is(after.liveBuffers, before.liveBuffers);
  // Every cycle needs two buffers of one class: the pool serves them all after the first.
  assert.ok(after.allocatedBuffers - before.allocatedBuffers <= 2, `allocated ${after.allocatedBuffers - before.allocatedBuffers} new buffers`);
});

test('size classes waste at most 1/8 and are monotone', () => {
  let last = 0;
  for (let bytes = 1; bytes < 1e7; bytes = Math.ceil(bytes * 1.37)) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c >= last);
    if (bytes > 4096) assert.ok(c <= bytes * 1.125 + 256, `${bytes} → ${c}`);
    last = c;
  }
});

test('memory statistics add up: live + pooled = allocated', async () => {
  await engine.sync();
  const m = engine.memory();
  assert.is(m.liveBytes + m.pooledBytes, m.allocatedBytes);
  assert.is(m.liveBuffers + m.pooledBuffers, m.allocatedBuffers);
});

test.run();
