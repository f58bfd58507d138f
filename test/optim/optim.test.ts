// SGD (Caffe semantics) and Adam/AdamW against float64 CPU updates, with lr/decay multipliers and a
// step schedule; state export/import resumes identically. Tolerance 1e-6 relative: three float32
// updates of values of order 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, parameter, SGD, Adam, stepSchedule, multiStepSchedule, constantSchedule, type Tensor } from '../../src/index.node.js';
import { assertAllClose } from '../reference/close.js';
import { testData } from '../reference/data.js';

test.before(async () => {
  await init();
});

interface CpuParam {
  w: Float64Array;
  lrMult: number;
  decayMult: number;
  state: Float64Array[];
}

function setGrads(ps: Tensor[], step: number): Float32Array[] {
  return ps.map((p, k) => {
    const g = testData(p.size, 100 * step + k + 1);
    p.grad?.dispose();
    p.grad = tensor(g, p.shape);
    p.engine.untrack(p.grad);
    return g;
  });
}

const near = (got: Float32Array, want: Float64Array, what: string) => assertAllClose(got, want, what, 1e-6, { per: 'element' });

// Sizes that are multiples of 4 run the update four elements a lane (vec4), the others one.
for (const n of [7, 12])
  test(`SGD: v = μv + lr·mult·sched·(g + λ·decayMult·w), w −= v, over 3 steps (${n} and 3 elements)`, async () => {
    const w1 = parameter(testData(n, 1), [n], 'conv.weight');
    const b1 = parameter(testData(3, 2), [3], 'conv.bias');
    const opt = new SGD(
      [
        { params: [w1], lrMult: 5 },
        { params: [b1], lrMult: 10, decayMult: 0 },
      ],
      { lr: 0.01, momentum: 0.9, weightDecay: 5e-4, schedule: stepSchedule({ gamma: 0.333, stepSize: 2 }) },
    );
    const cpu: CpuParam[] = [
      { w: Float64Array.from(testData(n, 1)), lrMult: 5, decayMult: 1, state: [new Float64Array(n)] },
      { w: Float64Array.from(testData(3, 2)), lrMult: 10, decayMult: 0, state: [new Float64Array(3)] },
    ];
    for (let step = 0; step < 3; step++) {
      const grads = setGrads([w1, b1], step);
      opt.step();
      const lr = 0.01 * 0.333 ** Math.floor(step / 2);
      cpu.forEach((c, k) => {
        for (let i = 0; i < c.w.length; i++) {
          c.state[0]![i] = 0.9 * c.state[0]![i]! + lr * c.lrMult * (grads[k]![i]! + 5e-4 * c.decayMult * c.w[i]!);
          c.w[i]! -= c.state[0]![i]!;
        }
      });
    }
    near(await w1.read(), cpu[0]!.w, 'w');
    near(await b1.read(), cpu[1]!.w, 'b');
    assert.is(opt.stepCount, 3);
  });

for (const [decoupled, n] of [
  [false, 11],
  [true, 11],
  [false, 12],
] as const) {
  test(`Adam${decoupled ? 'W' : ''} matches a float64 implementation over 3 steps (${n} elements)`, async () => {
    const w = parameter(testData(n, 3), [n], 'w');
    const opt = new Adam([{ params: [w], lrMult: 2 }], {
      lr: 1e-2,
      weightDecay: 0.1,
      decoupledWeightDecay: decoupled,
      schedule: multiStepSchedule([1, 2], 0.5),
    });
    const cw = Float64Array.from(testData(n, 3));
    const m = new Float64Array(n),
      v = new Float64Array(n);
    for (let step = 0; step < 3; step++) {
      const [g] = setGrads([w], step);
      opt.step();
      const t = step + 1,
        lr = 2e-2 * 0.5 ** step; // milestones at steps 1 and 2
      for (let i = 0; i < n; i++) {
        const gi = g![i]! + (decoupled ? 0 : 0.1 * cw[i]!);
        m[i] = 0.9 * m[i]! + 0.1 * gi;
        v[i] = 0.999 * v[i]! + 0.001 * gi * gi;
        cw[i]! -= lr * (m[i]! / (1 - 0.9 ** t) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8) + (decoupled ? 0.1 * cw[i]! : 0));
      }
    }
    near(await w.read(), cw, 'w');
  });
}

test('exported state and step resume a run exactly', async () => {
  const make = () => parameter(testData(9, 4), [9], 'p');
  const a = make();
  const optA = new Adam([a], { lr: 0.05 });
  for (let s = 0; s < 2; s++) {
    setGrads([a], s);
    optA.step();
  }
  const saved = new Map<string, Float32Array>();
  for (const [k, t] of optA.state()) saved.set(k, await t.read());
  assert.ok(saved.has('adam.m.p') && saved.has('adam.v.p'));
  const b = parameter(await a.read(), [9], 'p');
  const optB = new Adam([b], { lr: 0.05 });
  optB.loadState(saved, optA.stepCount);
  for (let s = 2; s < 4; s++) {
    setGrads([a], s);
    optA.step();
    setGrads([b], s);
    optB.step();
  }
  assert.equal(Array.from(await b.read()), Array.from(await a.read()));
  assert.throws(() => optB.loadState({ 'adam.m.q': new Float32Array(9) }, 0), /matches no parameter/);
});

test('SGD state is named after parameters and resumes a run exactly, from arrays or from tensors', async () => {
  const make = () => [parameter(testData(9, 4), [3, 3], 'stage1.conv1.weight'), parameter(testData(3, 5), [3], 'stage1.conv1.bias')];
  const opts = { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: stepSchedule({ gamma: 0.1, stepSize: 3 }) };
  const groups = (ps: Tensor[]) => [{ params: [ps[0]!] }, { params: [ps[1]!], lrMult: 2, decayMult: 0 }];
  const a = make();
  const optA = new SGD(groups(a), opts);
  for (let s = 0; s < 2; s++) {
    setGrads(a, s);
    optA.step();
  }
  const state = optA.state();
  assert.equal([...state.keys()].sort(), ['momentum.stage1.conv1.bias', 'momentum.stage1.conv1.weight']);
  const arrays: Record<string, Float32Array> = {};
  for (const [k, t] of state) arrays[k] = await t.read();
  const fromArrays = make(),
    fromTensors = make();
  for (const [i, p] of a.entries()) {
    fromArrays[i]!.dispose();
    fromTensors[i]!.dispose();
    fromArrays[i] = parameter(await p.read(), p.shape, p.name);
    fromTensors[i] = parameter(await p.read(), p.shape, p.name);
  }
  const optB = new SGD(groups(fromArrays), opts);
  optB.loadState(arrays, optA.stepCount);
  const optC = new SGD(groups(fromTensors), opts);
  optC.loadState(optA.state(), optA.stepCount); // copied, so A's later updates do not leak into C
  for (let s = 2; s < 5; s++)
    for (const [opt, ps] of [
      [optA, a],
      [optB, fromArrays],
      [optC, fromTensors],
    ] as const) {
      setGrads(ps, s);
      opt.step();
    }
  for (const [i, p] of a.entries()) {
    const want = Array.from(await p.read());
    assert.equal(Array.from(await fromArrays[i]!.read()), want, `from arrays: ${p.name}`);
    assert.equal(Array.from(await fromTensors[i]!.read()), want, `from tensors: ${p.name}`);
  }
  assert.is(optC.stepCount, 5);
  assert.throws(() => optB.loadState({ 'momentum.stage1.conv1.bias': new Float32Array(2) }, 0), /wrong size/);
  for (const o of [optA, optB, optC]) o.dispose();
});

test('schedules: constant, Caffe step, multi-step', () => {
  assert.equal([0, 5, 100].map(constantSchedule), [1, 1, 1]);
  assert.equal([0, 1, 2, 3, 4, 5, 6].map(stepSchedule({ gamma: 0.5, stepSize: 3 })), [1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
  assert.equal([0, 9, 10, 19, 20].map(multiStepSchedule([10, 20], 0.1)), [1, 1, 0.1, 0.1, 0.1 ** 2]);
});

test('parameters without a gradient are left alone; zeroGrad frees every gradient', async () => {
  const [p, q] = [parameter([1, 2], [2], 'p'), parameter([3, 4], [2], 'q')];
  const opt = new SGD([p, q], { lr: 1 });
  q.grad = tensor([1, 1], [2]);
  opt.step();
  assert.equal(Array.from(await p.read()), [1, 2]);
  assert.equal(Array.from(await q.read()), [2, 3]);
  opt.zeroGrad();
  assert.is(q.grad, null);
  assert.throws(() => new SGD([p, parameter([0], [1], 'p')], { lr: 1 }), /unique name/);
});

// ‖x‖² from (5, −3): SGD with momentum contracts by ~0.6 a step, Adam walks ~lr a step then settles.
for (const [name, make, steps, bound] of [
  ['SGD', (x: Tensor) => new SGD([x], { lr: 0.1, momentum: 0.5 }), 30, 0.01],
  ['Adam', (x: Tensor) => new Adam([x], { lr: 0.3 }), 60, 0.5],
] as const) {
  test(`${name} actually minimises a quadratic`, async () => {
    const x = parameter([5, -3], [2], 'x');
    const opt = make(x);
    for (let s = 0; s < steps; s++) {
      const xv = await x.read();
      x.grad?.dispose();
      x.grad = tensor(
        xv.map((v) => 2 * v),
        [2],
      ); // ∇‖x‖²
      opt.step();
    }
    const final = await x.read();
    assert.ok(Math.hypot(final[0]!, final[1]!) < bound, `‖x‖ = ${Math.hypot(final[0]!, final[1]!)} after ${steps} steps from 5.8`);
    opt.zeroGrad();
    assert.is(x.grad, null);
    opt.dispose();
  });
}

test.run();
