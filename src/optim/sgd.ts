// SGD with momentum as Caffe does it: v ← μ·v + lr·(g + λ·w); w ← w − v.
import type { Tensor } from '../tensor/tensor.js';
import { dispatchUpdate, Optimizer, updateKernels, type OptimizerOptions, type ParamGroup } from './optimizer.js';

const SGD_KERNELS = updateKernels(
  'struct Params { n: u32, lr: f32, momentum: f32, decay: f32 }',
  `@group(0) @binding(1) var<storage, read_write> W: array<E>;
@group(0) @binding(2) var<storage, read> G: array<E>;
@group(0) @binding(3) var<storage, read_write> V: array<E>;`,
  `  let w = W[i];
  let v = u.momentum * V[i] + u.lr * (G[i] + u.decay * w);
  V[i] = v;
  W[i] = w - v;`,
);

export class SGD extends Optimizer {
  constructor(groups: ParamGroup[] | Tensor[], opts: OptimizerOptions & { momentum?: number }) {
    super(groups, opts, ['momentum']);
    this.momentum = opts.momentum ?? 0;
  }
  private readonly momentum: number;

  protected update(p: Tensor, g: Tensor, lr: number, decay: number): void {
    const u = new ArrayBuffer(16);
    new Float32Array(u, 4, 3).set([lr, this.momentum, decay]);
    dispatchUpdate('sgd', p, SGD_KERNELS, [g, this.stateFor('momentum', p)], u);
  }
}
