import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, add, mul, scale, relu, backward, noGrad, tidy, type Engine, type Tensor } from '../../src/index.node.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

/** y ⊙ w; backward with a seed of ones then gives w-weighted gradients. */
function weightedSum(y: Tensor, weights: number[]): Tensor {
  return mul(y, tensor(weights, y.shape));
}

test('gradients flow through shared inputs and accumulate (x feeds two ops)', async () => {
  // f(x) = relu(x * x + 3x) · w ; df/dx = w · (2x + 3) where x·x+3x > 0
  const xs = [-4, -1, 0.5, 2];
  const w = [1, 2, 3, 4];
  const x = parameter(xs, [4], 'x');
  const y = tidy(() => weightedSum(relu(add(mul(x, x), scale(x, 3))), w));
  backward(y, tensor([1, 1, 1, 1], [4]));
  const g = await x.grad!.read();
  const want = xs.map((v, i) => (v * v + 3 * v > 0 ? w[i]! * (2 * v + 3) : 0));
  assert.equal(Array.from(g), want);
  x.dispose();
});

test('a second backward adds to .grad (gradient accumulation over micro-batches)', async () => {
  const x = parameter([1, 2, 3], [3], 'x');
  for (let k = 0; k < 2; k++)
    backward(
      tidy(() => scale(x, 2)),
      tensor([1, 1, 1], [3]),
    );
  assert.equal(Array.from(await x.grad!.read()), [4, 4, 4]);
  x.dispose();
});

test('backward through the same graph twice is refused; scalar loss is required without a seed', () => {
  const x = parameter([1, 2], [2], 'x');
  const y = scale(x, 2);
  assert.throws(() => backward(y), /must have one element/);
  backward(y, tensor([1, 1], [2]));
  assert.throws(() => backward(y, tensor([1, 1], [2])), /already used|not computed/);
  x.dispose();
});

test('noGrad records nothing', () => {
  const x = parameter([1, 2], [2], 'x');
  const y = noGrad(engine, () => scale(x, 2));
  assert.is(y.node, null);
  const z = scale(x, 2);
  assert.ok(z.node !== null);
  x.dispose();
});

test('saved intermediates are freed by backward: live memory returns to where it was', async () => {
  const x = parameter([1, -2, 3], [3], 'x');
  await engine.sync();
  const before = engine.memory();
  const y = tidy(() => mul(relu(mul(x, x)), x));
  backward(y, tensor([1, 1, 1], [3]));
  y.dispose();
  const grad = x.grad!;
  // d/dx relu(x²)·x = 3x² (x² > 0 everywhere here)
  assert.equal(Array.from(await grad.read()), [3, 12, 27]);
  const after = engine.memory();
  // Only x.grad and the seed tensor remain live.
  assert.ok(after.liveTensors - before.liveTensors <= 2, `${after.liveTensors - before.liveTensors} tensors leaked`);
  x.dispose();
});

test.run();
