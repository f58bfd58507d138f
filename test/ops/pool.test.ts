// Pooling against the float64 reference (Caffe ceil mode and AVE divisor) and finite differences.
// Tolerance 1e-6 relative: max pooling is exact; average pooling sums ≤ 81 terms in float32.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, maxPool2d, avgPool2d, relu, caffePoolSize, backward, tidy, type Engine } from '../../src/index.node.js';
import { maxPoolGradRef, poolRef } from '../reference/ops.js';
import { assertAllClose } from '../reference/close.js';
import { testData } from '../reference/data.js';
import { assertGradientsMatchFiniteDifferences } from '../reference/finite-differences.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const close = (got: Float32Array, want: Float64Array, what: string) => assertAllClose(got, want, what, 1e-6, { per: 'element' });

test('Caffe ceil-mode sizes: 368→184→92→46 for 3×3/2 and 368→46 for 9×9/8', () => {
  assert.equal(
    [368, 184, 92].map((s) => caffePoolSize(s, 3, 2, 0)),
    [184, 92, 46],
  );
  assert.is(caffePoolSize(368, 9, 8, 0), 46);
  assert.is(caffePoolSize(128, 9, 8, 0), 16);
  assert.is(caffePoolSize(7, 3, 2, 0), 3);
  assert.is(caffePoolSize(8, 3, 2, 0), 4); // floor mode would give 3
  assert.is(caffePoolSize(5, 3, 2, 1), 3); // the last window may not start in the padding
});

const SHAPES: [n: number, c: number, h: number, w: number, k: number, s: number, p: number][] = [
  [2, 3, 7, 5, 3, 2, 0],
  [2, 3, 8, 8, 3, 2, 0],
  [1, 2, 9, 7, 3, 2, 1],
  [2, 1, 17, 19, 9, 8, 0],
  [1, 2, 6, 6, 2, 2, 0],
];

for (const kind of ['max', 'avg'] as const) {
  test(`${kind} pooling forward and gradient (vs finite differences) on odd shapes with overlapping windows`, async () => {
    for (const [n, c, h, w, k, s, p] of SHAPES) {
      const xs = testData(n * c * h * w, 5 + h);
      const pool = kind === 'max' ? maxPool2d : avgPool2d;
      const y = tidy(() => pool(tensor(xs, [n, c, h, w]), { kernel: k, stride: s, padding: p }));
      close(await y.read(), poolRef(xs, n * c, h, w, k, s, p, kind), `${kind} ${[n, c, h, w, k, s, p]}`);
      y.dispose();
      // The float64 FD of a piecewise-linear function is exact to ~1e-9 away from ties (test data has none).
      await assertGradientsMatchFiniteDifferences(
        {
          inputs: [{ name: 'x', data: xs, shape: [n, c, h, w] }],
          op: (x) => pool(x!, { kernel: k, stride: s, padding: p }),
          reference: (x) => poolRef(x!, n * c, h, w, k, s, p, kind),
          eps: 1e-5,
          tol: 1e-5,
        },
        `${kind} ${[n, c, h, w, k, s, p]}`,
      );
    }
  });
}

test('max pooling breaks ties by the first maximum in row-major order, and overlapping windows accumulate', async () => {
  // Values from {0, 1, 2} on 7×5 and 8×8 planes: many ties, shared by the overlapping 3×3/2 windows.
  for (const [h, w, p] of [
    [7, 5, 0],
    [8, 8, 0],
    [7, 7, 1],
  ] as const) {
    const xs = Float32Array.from({ length: 2 * 3 * h * w }, (_, i) => (i * 7) % 3);
    const x = parameter(xs, [2, 3, h, w], 'x');
    const y = tidy(() => maxPool2d(x, { kernel: 3, stride: 2, padding: p }));
    close(await y.read(), poolRef(xs, 6, h, w, 3, 2, p, 'max'), `tie forward ${h}×${w}`);
    const dy = Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 4)); // small integers: sums are exact
    backward(y, tensor(dy, y.shape));
    assert.equal(Array.from(await x.grad!.read()), Array.from(maxPoolGradRef(xs, dy, 6, h, w, 3, 2, p)), `tie gradient ${h}×${w} pad ${p}`);
    x.dispose();
  }
});

test('max pooling with a fused ReLU equals ReLU then max pooling bit for bit, forward and gradient (windows of zeros and negatives get none)', async () => {
  // Values from {−1.5, −1, −0.5, 0, 0.5} (rarely 0.5): windows that are all negative, all ≤ 0 with ties at 0, and positive ones; padded,
  // unpadded (vec4 taps at w = 8 and 12) and odd sizes, in one binding and in sub-batches.
  for (const [n, c, h, w, p, maxBindingBytes] of [
    [2, 3, 7, 5, 0, undefined],
    [2, 3, 8, 8, 0, undefined],
    [1, 2, 9, 7, 1, undefined],
    [3, 2, 12, 12, 0, 2 * 2 * 12 * 12 * 4 + 256],
  ] as const) {
    const xs = testData(n * c * h * w, 7).map((v) => Math.round(v * 2) / 2 - 0.5);
    const run = async (fused: boolean) => {
      const x = parameter(xs, [n, c, h, w], 'x');
      const y = tidy(() =>
        fused
          ? maxPool2d(x, { kernel: 3, stride: 2, padding: p, relu: true, maxBindingBytes })
          : maxPool2d(relu(x), { kernel: 3, stride: 2, padding: p, maxBindingBytes }),
      );
      const out = Array.from(await y.read());
      backward(
        y,
        tensor(
          Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 4)),
          y.shape,
        ),
      );
      const g = Array.from(await x.grad!.read());
      x.dispose();
      return { out, g };
    };
    const [fused, separate] = [await run(true), await run(false)];
    assert.equal(fused.out, separate.out, `forward ${n}×${c}×${h}×${w} pad ${p}`);
    assert.equal(fused.g, separate.g, `gradient ${n}×${c}×${h}×${w} pad ${p}`);
    assert.ok(fused.out.includes(0) && fused.g.includes(0) && fused.g.some((v) => v > 0), 'the data have zero and positive windows');
  }
});

test('CPM shapes: max pool 128×92×92 → 46, center-map avg pool 368 → 46 with the 8-wide border windows', async () => {
  const xs = testData(128 * 92 * 92, 9);
  const y = tidy(() => maxPool2d(tensor(xs, [1, 128, 92, 92]), { kernel: 3, stride: 2 }));
  assert.equal(y.shape, [1, 128, 46, 46]);
  close(await y.read(), poolRef(xs, 128, 92, 92, 3, 2, 0, 'max'), 'maxpool 92');
  const ones = tidy(() => avgPool2d(tensor(new Float32Array(368 * 368).fill(1), [1, 1, 368, 368]), { kernel: 9, stride: 8 }));
  const o = await ones.read();
  assert.equal(ones.shape, [1, 1, 46, 46]);
  // An all-ones map stays 1 everywhere: the divisor is the clipped window (8 at the last row/column, not 9).
  assert.ok(
    o.every((v) => Math.abs(v - 1) < 1e-6),
    `min ${Math.min(...o)} max ${Math.max(...o)}`,
  );
  const ramp = Float32Array.from({ length: 368 * 368 }, (_, i) => i % 368);
  const r = await tidy(() => avgPool2d(tensor(ramp, [1, 1, 368, 368]), { kernel: 9, stride: 8 })).read();
  assert.ok(Math.abs(r[45]! - (360 + 367) / 2) < 1e-3, `last column averages x = 360…367: ${r[45]}`);
});

// Images of 420 and 576 bytes (not multiples of 256) are bound from a 256-byte aligned offset with a skew; 2048 bytes with none.
const SPLITS: [shape: [number, number, number, number], imagesPerBinding: number][] = [
  [[5, 2, 16, 16], 3],
  [[5, 3, 7, 5], 2],
  [[5, 3, 6, 8], 2], // w % 4 == 0: the max-pool gradient writes vec4s
];

test('a batch larger than one binding is pooled in sub-batches with identical results (forward and backward), whatever the per-image size', async () => {
  for (const [shape, perBinding] of SPLITS) {
    const [n, c, h, w] = shape;
    const xs = testData(n * c * h * w, 41);
    const limit = (perBinding * c * h * w + 63) * 4; // room for the skew of up to 63 elements
    for (const pool of [maxPool2d, avgPool2d]) {
      const run = async (maxBindingBytes?: number) => {
        const x = parameter(xs, shape, 'x');
        const y = tidy(() => pool(x, { kernel: 3, stride: 2, maxBindingBytes }));
        const out = await y.read();
        backward(y, tensor(testData(y.size, 42), y.shape));
        const g = await x.grad!.read();
        x.dispose();
        return [Array.from(out), Array.from(g)];
      };
      const whole = await run();
      const dispatches = engine.dispatches;
      const split = await run(limit);
      assert.ok(engine.dispatches - dispatches >= 2 * Math.ceil(n / perBinding), `${pool.name} ${shape} ran in sub-batches`);
      assert.equal(split, whole, `${pool.name} ${shape}`);
    }
  }
  const xs = testData(5 * 2 * 16 * 16, 41);
  assert.throws(() => maxPool2d(tensor(xs, [5, 2, 16, 16]), { kernel: 3, stride: 2, maxBindingBytes: 1000 }), /one image needs/);
});

test('pooling refuses bad arguments', () => {
  assert.throws(() => maxPool2d(tensor([1, 2, 3], [3]), { kernel: 3, stride: 2 }), /must be 4-D/);
  assert.throws(() => maxPool2d(tensor(new Float32Array(4), [1, 1, 2, 2]), { kernel: 3, stride: 2 }), /smaller than the 3×3 window/);
});

test.run();
