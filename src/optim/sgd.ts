// SGD with momentum as Caffe does it: v ← μ·v + lr·(g + λ·w); w ← w − v.
import { elementWorkgroups, perElementMain } from '../tensor/kernel.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type OptimizerOptions, type ParamGroup } from './optimizer.js';

const SGD_KERNEL = /* wgsl */ `
struct Params { n: u32, lr: f32, momentum: f32, decay: f32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read_write> W: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;
${perElementMain(
  'u.n',
  `  let v = u.momentum * V[i] + u.lr * (G[i] + u.decay * W[i]);
  V[i] = v;
  W[i] = W[i] - v;`,
)}`;

export class SGD extends Optimizer {
  constructor(groups: ParamGroup[] | Tensor[], opts: OptimizerOptions & { momentum?: number }) {
    super(groups, opts, ['momentum']);
    this.momentum = opts.momentum ?? 0;
  }
  private readonly momentum: number;

  protected update(p: Tensor, g: Tensor, lr: number, decay: number): void {
    const v = this.stateFor('momentum', p);
    const u = new ArrayBuffer(16);
    new Uint32Array(u, 0, 1)[0] = p.size;
    new Float32Array(u, 4, 3).set([lr, this.momentum, decay]);
    p.engine.dispatch({
      op: 'sgd',
      kernel: { code: SGD_KERNEL },
      bindings: [p.binding('sgd'), g.binding('sgd'), v.binding('sgd')],
      uniforms: new Uint8Array(u),
      workgroups: elementWorkgroups(p.size),
    });
  }
}
