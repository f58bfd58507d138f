// concat/slice, sum/mean and Caffe's EuclideanLoss against float64 references and finite differences.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, concat, slice, sum, mean, l2Loss, backward, tidy, mul } from '../../src/index.node.js';
import { testData } from '../reference/conv2d.js';

test.before(async () => {
  await init();
});

test('concat along channels in order, and its gradient is the matching slices', async () => {
  const a = parameter(testData(2 * 3 * 5, 1), [2, 3, 5, 1], 'a');
  const b = parameter(testData(2 * 1 * 5, 2), [2, 1, 5, 1], 'b');
  const c = parameter(testData(2 * 2 * 5, 3), [2, 2, 5, 1], 'c');
  const y = tidy(() => concat([a, b, c]));
  assert.equal(y.shape, [2, 6, 5, 1]);
  const got = await y.read();
  const [av, bv, cv] = [await a.read(), await b.read(), await c.read()];
  for (let n = 0; n < 2; n++)
    for (let ch = 0; ch < 6; ch++)
      for (let p = 0; p < 5; p++) {
        const want = ch < 3 ? av[(n * 3 + ch) * 5 + p] : ch < 4 ? bv[n * 5 + p] : cv[(n * 2 + ch - 4) * 5 + p];
        assert.is(got[(n * 6 + ch) * 5 + p], want);
      }
  const dy = testData(60, 4);
  backward(y, tensor(dy, y.shape));
  const gb = await b.grad!.read();
  for (let n = 0; n < 2; n++) for (let p = 0; p < 5; p++) assert.is(gb[n * 5 + p], dy[(n * 6 + 3) * 5 + p]);
  const s = tidy(() => slice(tensor(got, [2, 6, 5, 1]), 1, 3, 1));
  assert.equal(Array.from(await s.read()), Array.from(bv));
  assert.throws(() => concat([a, tensor(new Float32Array(6), [1, 6, 1, 1])]), /does not match/);
});

test('sum and mean match float64 sums, deterministically, and their gradients are constant', async () => {
  for (const n of [1, 7, 4097, 100003]) {
    const v = testData(n, n);
    const want = v.reduce((acc, x) => acc + x, 0);
    const x = parameter(v, [n], 'x');
    const s = tidy(() => sum(x));
    const got = await s.item();
    // float32 partial sums of ≤ 4096 values of magnitude ≤ 1: error ≲ 1e-7·n.
    assert.ok(Math.abs(got - want) < 1e-6 * n + 1e-6, `sum n=${n}: ${got} vs ${want}`);
    assert.is(await tidy(() => sum(x)).item(), got, 'same bits on a second run');
    assert.ok(Math.abs((await tidy(() => mean(x)).item()) - want / n) < 1e-6);
    backward(s);
    assert.ok((await x.grad!.read()).every((g) => g === 1));
    x.dispose();
  }
});

test('l2Loss is Σ(ŷ−y)²/(2N) with N the batch size; its gradient is (ŷ−y)/N (checked by finite differences)', async () => {
  const shape = [3, 2, 5, 7];
  const size = 3 * 2 * 5 * 7;
  const pv = testData(size, 31), tv = testData(size, 32);
  const want = pv.reduce((acc, p, i) => acc + (p - tv[i]!) ** 2, 0) / (2 * 3);
  const p = parameter(pv, shape, 'pred');
  const loss = tidy(() => l2Loss(p, tensor(tv, shape)));
  assert.ok(Math.abs((await loss.item()) - want) < 1e-5 * want, `${await loss.item()} vs ${want}`);
  backward(loss);
  const g = await p.grad!.read();
  const f = (v: Float64Array) => v.reduce((acc, x, i) => acc + (x - tv[i]!) ** 2, 0) / 6;
  for (const i of [0, 17, 100, size - 1]) {
    const plus = Float64Array.from(pv); plus[i]! += 1e-6;
    const minus = Float64Array.from(pv); minus[i]! -= 1e-6;
    const fd = (f(plus) - f(minus)) / 2e-6;
    assert.ok(Math.abs(g[i]! - fd) < 1e-5, `d/dpred[${i}] ${g[i]} vs ${fd}`);
  }
  assert.throws(() => l2Loss(p, tensor(new Float32Array(3), [3])), /differ in shape/);
});

test('a loss built from several ops backpropagates through all of them', async () => {
  const x = parameter([1, 2, 3, 4], [1, 4, 1, 1], 'x');
  const loss = tidy(() => l2Loss(mul(x, x), tensor([0, 0, 0, 0], [1, 4, 1, 1])));
  // L = Σ x⁴ / 2 → dL/dx = 2x³
  backward(loss);
  assert.equal(Array.from(await x.grad!.read()), [2, 16, 54, 128]);
});

test.run();
