// Channel concat and slice against float64 references; their gradients are exact copies (slices of dy,
// and dy placed into zeros), so equality is exact: no tolerance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, concat, slice, backward, tidy } from '../../src/index.node.js';
import { testData } from '../reference/data.js';
import { sliceRef } from '../reference/ops.js';

test.before(async () => {
  await init();
});

/** Float64 concat along channels of [n, c_i, inner] blocks. */
function concatRef(parts: { data: ArrayLike<number>; c: number }[], n: number, inner: number): Float64Array {
  const total = parts.reduce((s, p) => s + p.c, 0);
  const y = new Float64Array(n * total * inner);
  let offset = 0;
  for (const p of parts) {
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < p.c; ch++) for (let q = 0; q < inner; q++) y[(b * total + offset + ch) * inner + q] = p.data[(b * p.c + ch) * inner + q]!;
    offset += p.c;
  }
  return y;
}

async function checkConcat(n: number, cs: number[], h: number, w: number): Promise<void> {
  const inner = h * w;
  const datas = cs.map((c, i) => testData(n * c * inner, 10 + i));
  const xs = cs.map((c, i) => parameter(datas[i]!, [n, c, h, w], `x${i}`));
  const y = tidy(() => concat(xs));
  const total = cs.reduce((a, b) => a + b, 0);
  assert.equal(y.shape, [n, total, h, w]);
  assert.equal(
    Array.from(await y.read()),
    Array.from(
      concatRef(
        cs.map((c, i) => ({ data: datas[i]!, c })),
        n,
        inner,
      ),
    ),
  );
  const dy = testData(y.size, 99);
  backward(y, tensor(dy, y.shape));
  let offset = 0;
  for (const [i, x] of xs.entries()) {
    assert.equal(Array.from(await x.grad!.read()), Array.from(sliceRef(dy, n, total, inner, offset, cs[i]!)), `gradient of input ${i}`);
    offset += cs[i]!;
    x.dispose();
  }
}

test('concat along channels on odd shapes; its gradient is the matching slices of dy', async () => {
  await checkConcat(2, [3, 1, 2], 7, 5);
  await checkConcat(1, [4, 4], 8, 8);
});

test('CPM shape: stage features 32, previous beliefs 15 and the center map 1 at 46×46', async () => {
  await checkConcat(2, [32, 15, 1], 46, 46);
});

test('slice picks channels [start, start+length); its gradient places dy there and zeros elsewhere', async () => {
  const [n, c, h, w] = [2, 5, 7, 5];
  const xs = testData(n * c * h * w, 5);
  const x = parameter(xs, [n, c, h, w], 'x');
  const y = tidy(() => slice(x, 1, 1, 3));
  assert.equal(y.shape, [n, 3, h, w]);
  assert.equal(Array.from(await y.read()), Array.from(sliceRef(xs, n, c, h * w, 1, 3)));
  const dy = testData(y.size, 6);
  backward(y, tensor(dy, y.shape));
  const g = await x.grad!.read();
  const want = new Float64Array(xs.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < 3; ch++) for (let q = 0; q < h * w; q++) want[(b * c + 1 + ch) * h * w + q] = dy[(b * 3 + ch) * h * w + q]!;
  assert.equal(Array.from(g), Array.from(want));
  x.dispose();
});

test('concat and slice refuse bad arguments', () => {
  const a = tensor(new Float32Array(2 * 3 * 5), [2, 3, 5, 1]);
  assert.throws(() => concat([a, tensor(new Float32Array(6), [1, 6, 1, 1])]), /does not match/);
  assert.throws(() => concat([]), /no tensors/);
  assert.throws(() => concat([a, a], 2), /only the channel axis/);
  assert.throws(() => slice(a, 1, 2, 2), /outside/);
});

test.run();
