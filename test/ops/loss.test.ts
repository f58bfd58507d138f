// Caffe's EuclideanLoss against float64 and finite differences.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, l2Loss, backward, tidy, mul } from '../../src/index.node.js';
import { testData } from '../reference/data.js';
import { assertGradientsMatchFiniteDifferences } from '../reference/finite-differences.js';

test.before(async () => {
  await init();
});

const l2Ref = (p: ArrayLike<number>, t: ArrayLike<number>, n: number) => Array.from(p).reduce((acc, x, i) => acc + (x - t[i]!) ** 2, 0) / (2 * n);

async function checkL2(shape: number[], probes: number[]): Promise<void> {
  const size = shape.reduce((a, b) => a * b, 1);
  const pv = testData(size, 31),
    tv = testData(size, 32);
  const want = l2Ref(pv, tv, shape[0]!);
  const loss = tidy(() => l2Loss(tensor(pv, shape), tensor(tv, shape)));
  assert.equal(loss.shape, [1]);
  // A float32 sum of squares (all positive): relative error ≲ 1e-7·log-depth, 1e-5 leaves margin.
  assert.ok(Math.abs((await loss.item()) - want) < 1e-5 * want, `${await loss.item()} vs ${want}`);
  loss.dispose();
  // The loss is quadratic, so the float64 central difference is exact up to rounding (~1e-10 here);
  // the float32 gradient (ŷ−y)/N carries ~1e-7 relative error.
  await assertGradientsMatchFiniteDifferences(
    {
      inputs: [{ name: 'pred', data: pv, shape }],
      op: (pred) => l2Loss(pred!, tensor(tv, shape)),
      reference: (pred) => [l2Ref(pred!, tv, shape[0]!)],
      dy: new Float32Array([1]),
      probes,
      eps: 1e-6,
      tol: 1e-5,
    },
    `l2Loss ${shape}`,
  );
}

test('l2Loss is Σ(ŷ−y)²/(2N) with N the batch size; its gradient is (ŷ−y)/N (finite differences)', async () => {
  await checkL2([3, 2, 5, 7], [0, 17, 100, 209]);
  await checkL2([2, 3, 7, 5], [0, 1, 104, 209]);
});

test('CPM shape: a batch of 2 belief maps 15×46×46', async () => {
  await checkL2([2, 15, 46, 46], [0, 12345, 2 * 15 * 46 * 46 - 1]);
});

test('the target gets no gradient, and shapes must match', async () => {
  const p = parameter(testData(6, 1), [2, 3], 'pred');
  const t = parameter(testData(6, 2), [2, 3], 'target');
  backward(tidy(() => l2Loss(p, t)));
  assert.ok(p.grad !== null);
  assert.is(t.grad, null);
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
