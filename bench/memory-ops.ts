// Memory-bound cases (pooling, ReLU and its gradient, concat, L2 loss, SGD): GB/s, and TF.js's same op beside where it has one.
import { randn, maxPool2d, relu, reluGrad, concat, l2Loss, SGD, caffePoolSize, type Engine, type Tensor } from '../src/index.node.js';
import { noGrad } from '../src/autograd/graph.js';
import { measure } from './measure.js';
import type { MemoryBenchCase } from './cases.js';
import { ratePerMs, tfjsColumns, type BenchOptions, type BenchRow } from './row.js';
import { loadTfjs, maxRelDiff, nchwToNhwc, nhwcIndexOfNchw, timeTf, type TfTensor } from './tfjs.js';

type Tf = Awaited<ReturnType<typeof loadTfjs>>;

interface MemoryWork {
  bytes: number;
  ours: () => Tensor | undefined;
  /** The same op on TF.js, and how to read its result at our NCHW index i; absent where TF.js has no such op. */
  tf?: (tf: Tf) => { run: () => TfTensor; at: (theirs: Float32Array, i: number) => number; inputs: TfTensor[] };
  inputs: Tensor[];
}

async function values(t: Tensor): Promise<Float32Array> {
  return t.read();
}

async function setUp(engine: Engine, c: MemoryBenchCase): Promise<MemoryWork> {
  const x = randn(c.shape, { seed: 4 });
  const [n = 1, ch = 1, h = 1, w = 1] = c.shape;
  switch (c.op) {
    case 'maxPool': {
      const ho = caffePoolSize(h, 3, 2, 0),
        wo = caffePoolSize(w, 3, 2, 0);
      // Caffe's ceil mode equals TF's 'valid' when the windows fit, else 'same' (padding bottom/right with −∞).
      const pad = Math.floor((h - 3) / 2) + 1 === ho ? 'valid' : 'same';
      const xv = await values(x);
      return {
        bytes: 4 * x.size + 8 * n * ch * ho * wo,
        inputs: [x], // read x; write y and the argmax
        ours: () => maxPool2d(x, { kernel: 3, stride: 2 }),
        tf: (tf) => {
          const xt = tf.tensor4d(nchwToNhwc(xv, n, ch, h, w), [n, h, w, ch]);
          return { inputs: [xt], run: () => tf.maxPool(xt, 3, 2, pad), at: (th, i) => th[nhwcIndexOfNchw(i, ch, ho * wo)]! };
        },
      };
    }
    case 'relu': {
      const xv = await values(x);
      return {
        bytes: 8 * x.size,
        inputs: [x],
        ours: () => relu(x),
        tf: (tf) => {
          const xt = tf.tensor(xv, c.shape); // elementwise: layout does not matter
          return { inputs: [xt], run: () => tf.relu(xt), at: (th, i) => th[i]! };
        },
      };
    }
    case 'reluGrad': {
      const dy = randn(c.shape, { seed: 9 });
      const [xv, dyv] = [await values(x), await values(dy)];
      return {
        bytes: 12 * x.size,
        inputs: [x, dy],
        ours: () => reluGrad(x, dy),
        // TF.js's ReLU gradient rule is dy · step(x): two kernels.
        tf: (tf) => {
          const [xt, dyt] = [tf.tensor(xv, c.shape), tf.tensor(dyv, c.shape)];
          return { inputs: [xt, dyt], run: () => tf.tidy(() => tf.mul(dyt, tf.step(xt))), at: (th, i) => th[i]! };
        },
      };
    }
    case 'concat': {
      const b = randn([n, 15, h, w], { seed: 5 }),
        m = randn([n, 1, h, w], { seed: 6 });
      const vs = [await values(x), await values(b), await values(m)];
      return {
        bytes: 8 * (x.size + b.size + m.size),
        inputs: [x, b, m],
        ours: () => concat([x, b, m]),
        // TF.js concatenates its own layout, NHWC, along channels.
        tf: (tf) => {
          const ts = vs.map((v, k) => {
            const cc = [ch, 15, 1][k]!;
            return tf.tensor4d(nchwToNhwc(v, n, cc, h, w), [n, h, w, cc]);
          });
          return { inputs: ts, run: () => tf.concat(ts, 3), at: (th, i) => th[nhwcIndexOfNchw(i, ch + 16, h * w)]! };
        },
      };
    }
    case 'l2Loss': {
      const t = randn(c.shape, { seed: 7 });
      const [xv, tv] = [await values(x), await values(t)];
      return {
        bytes: 8 * x.size,
        inputs: [x, t],
        ours: () => l2Loss(x, t),
        tf: (tf) => {
          const [xt, tt] = [tf.tensor(xv, c.shape), tf.tensor(tv, c.shape)];
          return { inputs: [xt, tt], run: () => tf.tidy(() => tf.div(tf.sum(tf.squaredDifference(xt, tt)), 2 * n)), at: (th) => th[0]! };
        },
      };
    }
    case 'sgd': {
      x.name = 'w';
      x.kind = 'parameter';
      x.requiresGrad = true;
      x.grad = randn(c.shape, { seed: 8 });
      engine.untrack(x.grad);
      const opt = new SGD([x], { lr: 1e-3, momentum: 0.9, weightDecay: 5e-4 });
      // No TF.js counterpart: its optimizers run several kernels per variable with another update rule.
      return {
        bytes: 4 * x.size * 5,
        inputs: [x],
        ours: () => {
          noGrad(engine, () => opt.step());
          return undefined;
        },
      }; // read w, g, v; write w, v
    }
  }
}

export async function memoryRow(engine: Engine, c: MemoryBenchCase, o: BenchOptions): Promise<BenchRow> {
  const m = await setUp(engine, c);
  const t = await measure(engine, () => void m.ours(), o.quick ? 2 : 10);
  const row: BenchRow = {
    name: c.name,
    kind: c.op,
    wallMs: t.wallMs,
    spreadMs: [t.minMs, t.maxMs],
    gpuMs: t.gpuMs,
    rate: ratePerMs(m.bytes, t.gpuMs, t.wallMs),
    unit: 'GB/s',
  };
  if (o.tfjs && m.tf) {
    const tf = await loadTfjs();
    const theirs = m.tf(tf);
    const tt = await timeTf(tf, theirs.run, o.quick ? 2 : 5);
    const tv = tt.first;
    for (const i of theirs.inputs) i.dispose();
    const y = engine.tidy(() => m.ours() as Tensor);
    const mine = await y.read();
    y.dispose();
    Object.assign(
      row,
      tfjsColumns(
        m.bytes,
        t,
        tt,
        maxRelDiff(mine, (i) => theirs.at(tv, i)),
      ),
    );
  }
  for (const i of m.inputs) i.dispose();
  return row;
}
