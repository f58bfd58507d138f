// Every op family (forward and gradients) and both optimizers on seeded inputs: the same code runs
// in Node and in the page, so the browser test can compare the two element by element. It also
// records what each kernel asks of the device (storage bindings, workgroup size, workgroup memory)
// to check against the WebGPU compatibility-mode defaults.
import type * as Lib from '../src/index.js';
import type { Engine, Tensor, Shape, DispatchArgs } from '../src/index.js';

export type OpLib = typeof Lib;

export interface KernelUse {
  op: string;
  storageBindings: number;
  invocations: number;
  workgroupMemory: boolean;
}

export interface OpCheckResult {
  /** Case name → values (outputs, then `name.gradK` for each input's gradient). */
  values: Record<string, number[]>;
  /** The most each op asked of the device. */
  kernels: KernelUse[];
  /** Wall time of each case, first run (pipeline compilation included). */
  ms: Record<string, number>;
}

/** Uniform in [−1, 1) from a 32-bit LCG: identical in Node and browsers, no GPU involved. */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function workgroupInvocations(code: string): number {
  const m = /@workgroup_size\(([^)]*)\)/.exec(code);
  if (!m) return 0;
  return m[1]!
    .split(',')
    .map((s) => Number.parseInt(s.trim(), 10))
    .reduce((a, b) => a * (Number.isFinite(b) ? b : 1), 1);
}

/** Wraps engine.dispatch for the duration of `fn` to see every kernel launched. */
async function watchKernels<T>(engine: Engine, fn: () => Promise<T>): Promise<{ result: T; kernels: KernelUse[] }> {
  const seen = new Map<string, KernelUse>();
  const original = engine.dispatch;
  engine.dispatch = function (this: Engine, a: DispatchArgs): void {
    const use = {
      op: a.op,
      storageBindings: a.bindings.length,
      invocations: workgroupInvocations(a.kernel.code),
      workgroupMemory: a.kernel.code.includes('var<workgroup>'),
    };
    const old = seen.get(a.op);
    seen.set(
      a.op,
      old
        ? {
            op: a.op,
            storageBindings: Math.max(old.storageBindings, use.storageBindings),
            invocations: Math.max(old.invocations, use.invocations),
            workgroupMemory: old.workgroupMemory || use.workgroupMemory,
          }
        : use,
    );
    original.call(this, a);
  };
  try {
    return { result: await fn(), kernels: [...seen.values()].sort((x, y) => x.op.localeCompare(y.op)) };
  } finally {
    engine.dispatch = original;
  }
}

export async function runOpChecks(lib: OpLib, engine: Engine): Promise<OpCheckResult> {
  const values: Record<string, number[]> = {};
  const ms: Record<string, number> = {};
  let seed = 1;
  const param = (shape: Shape, name: string) =>
    lib.parameter(
      seeded(
        shape.reduce((a, b) => a * b, 1),
        seed++,
      ),
      shape,
      name,
    );

  /** Output of `build(params)` and the gradient of sum(output · r) for a fixed random r. */
  async function check(name: string, shapes: Shape[], build: (ps: Tensor[]) => Tensor): Promise<void> {
    const t0 = performance.now();
    const ps = shapes.map((s, i) => param(s, `${name}.in${i}`));
    const y = build(ps);
    values[name] = Array.from(await y.read());
    if (y.node) {
      // Ops without a gradient rule (copy) are forward-only.
      const weights = lib.tensor(seeded(y.size, 1000 + seed), y.shape);
      const loss = lib.sum(lib.mul(y, weights));
      lib.backward(loss);
      for (const [i, p] of ps.entries()) if (p.grad) values[`${name}.grad${i}`] = Array.from(await p.grad.read());
      weights.dispose();
      loss.dispose();
    }
    for (const t of [...ps, y]) t.dispose();
    ms[name] = performance.now() - t0;
  }

  const { kernels } = await watchKernels(engine, async () => {
    const odd = [2, 3, 7, 5];
    await check('add', [odd, odd], ([a, b]) => lib.add(a!, b!));
    await check('sub', [odd, odd], ([a, b]) => lib.sub(a!, b!));
    await check('mul', [odd, odd], ([a, b]) => lib.mul(a!, b!));
    await check('scale', [odd], ([a]) => lib.scale(a!, -1.5));
    await check('addScalar', [odd], ([a]) => lib.addScalar(a!, 0.25));
    await check('relu', [odd], ([a]) => lib.relu(a!));
    await check('copy', [odd], ([a]) => lib.copy(a!));
    await check('conv2d 3x3 pad 1 relu', [odd, [4, 3, 3, 3], [4]], ([x, w, b]) => lib.conv2d(x!, w!, b!, { padding: 1, relu: true }));
    await check('conv2d 9x9 pad 4', [[1, 3, 11, 9], [5, 3, 9, 9], [5]], ([x, w, b]) => lib.conv2d(x!, w!, b!, { padding: 4 }));
    await check('conv2d 1x1', [odd, [6, 3, 1, 1], [6]], ([x, w, b]) => lib.conv2d(x!, w!, b!));
    await check(
      'conv2d stride 2 no bias',
      [
        [2, 3, 9, 7],
        [4, 3, 3, 3],
      ],
      ([x, w]) => lib.conv2d(x!, w!, null, { stride: 2, padding: 1 }),
    );
    // 1 KiB per image (2.3 KiB once zero-padded for the kernel): a 4 KiB limit binds one image at a time, the batch-splitting path.
    await check('conv2d split batch', [[3, 4, 8, 8], [4, 4, 5, 5], [4]], ([x, w, b]) => lib.conv2d(x!, w!, b!, { padding: 2, maxBindingBytes: 4096 }));
    await check('conv2d CPM-shaped', [[1, 32, 23, 23], [32, 32, 7, 7], [32]], ([x, w, b]) => lib.conv2d(x!, w!, b!, { padding: 3, relu: true }));
    await check('maxPool2d 3/2', [odd], ([x]) => lib.maxPool2d(x!, { kernel: 3, stride: 2 }));
    await check('avgPool2d 3/2 pad 1', [odd], ([x]) => lib.avgPool2d(x!, { kernel: 3, stride: 2, padding: 1 }));
    await check('concat', [odd, [2, 2, 7, 5]], ([a, b]) => lib.concat([a!, b!]));
    await check('slice', [odd], ([a]) => lib.slice(a!, 1, 1, 2));
    await check('sum', [odd], ([a]) => lib.sum(a!));
    await check('mean', [odd], ([a]) => lib.mean(a!));
    await check('l2Loss', [odd, odd], ([a, b]) => lib.l2Loss(a!, b!));
    await check('dropout', [odd], ([a]) => lib.dropout(a!, { p: 0.3, seed: 7, training: true }));
    for (const [name, make] of [
      ['sgd', (ps: Tensor[]) => new lib.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 })],
      ['adam', (ps: Tensor[]) => new lib.Adam(ps, { lr: 0.01, weightDecay: 0.01 })],
    ] as const) {
      const p = param(odd, `${name}.w`);
      const opt = make([p]);
      for (let step = 0; step < 3; step++) {
        const loss = lib.sum(lib.mul(lib.mul(p, p), lib.tensor(seeded(p.size, 77), p.shape)));
        lib.backward(loss);
        loss.dispose();
        lib.noGrad(engine, () => opt.step());
        opt.zeroGrad();
      }
      values[name] = Array.from(await p.read());
      opt.dispose();
      p.dispose();
    }
  });
  return { values, kernels, ms };
}
