import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, add, sub, mul, scale, relu, addScalar, type Engine } from '../../src/index.node.js';
import { reluGrad } from '../../src/shaders/elementwise/elementwise.js';
import { copy, fill } from '../../src/tensor/map.js';
import { accumulateGrad } from '../../src/autograd/accumulate.js';
import { elementWorkgroups, perElementMain } from '../../src/tensor/kernel.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

// Sizes divisible by 4 run the vec4 form (with a partly filled last workgroup); the others one float per lane.
const sizes = [1, 5, 257, 4099, 4, 12, 1028, 16388];
function data(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) * 3);
}

// float32 elementwise results are exactly the float32 rounding of the float64 result, so compare to fround().
test('add, sub, mul, scale, addScalar, relu, reluGrad, copy, fill, in-place accumulation match a CPU reference exactly', async () => {
  for (const n of sizes) {
    const a = data(n, 1);
    const b = data(n, 2);
    const ta = tensor(a, [n]);
    const tb = tensor(b, [n]);
    const cases: [string, Float32Array, (i: number) => number][] = [
      ['add', await add(ta, tb).read(), (i) => a[i]! + b[i]!],
      ['sub', await sub(ta, tb).read(), (i) => a[i]! - b[i]!],
      ['mul', await mul(ta, tb).read(), (i) => a[i]! * b[i]!],
      ['scale', await scale(ta, -0.75).read(), (i) => a[i]! * -0.75],
      ['addScalar', await addScalar(ta, 0.5).read(), (i) => a[i]! + 0.5],
      ['relu', await relu(ta).read(), (i) => Math.max(a[i]!, 0)],
      ['reluGrad', await reluGrad(ta, tb).read(), (i) => (a[i]! > 0 ? b[i]! : 0)],
      ['copy', await copy(ta).read(), (i) => a[i]!],
    ];
    const filled = tensor(a, [n]);
    fill(filled, 2.5);
    cases.push(['fill', await filled.read(), () => 2.5]);
    const acc = tensor(a, [n]);
    accumulateGrad(acc, tensor(b, [n]));
    cases.push(['accumulate', await acc.read(), (i) => a[i]! + b[i]!]);
    for (const [name, got, want] of cases) {
      for (let i = 0; i < n; i++) assert.is(got[i], Math.fround(want(i)), `${name} n=${n} i=${i}`);
    }
  }
});

test('per-element kernels cover every index exactly once however many workgroups run: one, a few, as many as ops pick, folded over y', async () => {
  // Each lane's share comes from the dispatch's size, so any grid is right; the map ops pick 8 or 32 elements per lane by adapter.
  const n = 65535 * 256 + 301;
  const code = `@group(0) @binding(1) var<storage, read_write> Y: array<f32>;\n${perElementMain(n, '  Y[i] = Y[i] + 1.0;')}`;
  for (const workgroups of [1, 3, elementWorkgroups(engine, n), 65536] as const) {
    const y = tensor(new Float32Array(n), [n]);
    engine.dispatch({ op: 'cover', kernel: { code }, bindings: [y.binding('cover')], workgroups });
    const out = await y.read();
    let bad = 0;
    for (let i = 0; i < n; i++) if (out[i] !== 1) bad++;
    assert.is(bad, 0, `${workgroups} workgroups: ${bad} elements not written exactly once`);
    y.dispose();
  }
  // And through an op: the odd size runs the one-float-per-lane form.
  const a = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
  const r = await relu(tensor(a, [n])).read();
  assert.ok(
    r.every((v, i) => v === Math.max(a[i]!, 0)),
    'relu over 16.8M elements',
  );
});

test.run();
