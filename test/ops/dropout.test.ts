import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, dropout, backward, tidy } from '../../src/index.node.js';

test.before(async () => {
  await init();
});

test('dropout zeroes about p of the elements, scales the rest by 1/(1−p), and is deterministic by seed', async () => {
  const n = 20000;
  const x = tensor(new Float32Array(n).fill(1), [n]);
  const a = await tidy(() => dropout(x, { p: 0.5, seed: 7, training: true })).read();
  const b = await tidy(() => dropout(x, { p: 0.5, seed: 7, training: true })).read();
  const c = await tidy(() => dropout(x, { p: 0.5, seed: 8, training: true })).read();
  const zeros = a.filter((v) => v === 0).length;
  // Binomial(20000, 0.5): std 71; 400 is over 5 of them.
  assert.ok(Math.abs(zeros - n / 2) < 400, `${zeros} zeros`);
  assert.ok(a.every((v) => v === 0 || v === 2));
  assert.equal(Array.from(a), Array.from(b));
  assert.ok(
    a.some((v, i) => v !== c[i]),
    'another seed gives another mask',
  );
  const low = await tidy(() => dropout(x, { p: 0.1, seed: 1, training: true })).read();
  assert.ok(Math.abs(low.filter((v) => v === 0).length - n * 0.1) < 300);
});

test('dropout is the identity when not training', async () => {
  const x = tensor([1, 2, 3], [3]);
  assert.is(dropout(x, { p: 0.5, seed: 1, training: false }), x);
});

test('the gradient uses the same mask', async () => {
  const x = parameter(new Float32Array(1000).fill(3), [1000], 'x');
  const y = tidy(() => dropout(x, { p: 0.3, seed: 5, training: true }));
  const yv = await y.read();
  backward(y, tensor(new Float32Array(1000).fill(1), [1000]));
  const g = await x.grad!.read();
  for (let i = 0; i < 1000; i++) assert.is(g[i], yv[i] === 0 ? 0 : Math.fround(1 / 0.7));
  assert.throws(() => dropout(x, { p: 1, seed: 1, training: true }), /p must be in \[0, 1\)/);
});

test.run();
