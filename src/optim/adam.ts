// Adam (Kingma & Ba) with L2 weight decay added to the gradient, or AdamW's decoupled decay.
import type { Tensor } from '../tensor/tensor.js';
import { dispatchUpdate, Optimizer, updateKernels, type OptimizerOptions, type ParamGroup } from './optimizer.js';

const ADAM_KERNELS = updateKernels(
  'struct Params { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, l2: f32, decoupled: f32, c1: f32, c2: f32 }',
  `@group(0) @binding(1) var<storage, read_write> W: array<E>;
@group(0) @binding(2) var<storage, read> G: array<E>;
@group(0) @binding(3) var<storage, read_write> M: array<E>;
@group(0) @binding(4) var<storage, read_write> V: array<E>;`,
  `  let w = W[i];
  let g = G[i] + u.l2 * w;
  let m = u.beta1 * M[i] + (1.0 - u.beta1) * g;
  let v = u.beta2 * V[i] + (1.0 - u.beta2) * g * g;
  M[i] = m;
  V[i] = v;
  W[i] = w - u.lr * ((m / u.c1) / (sqrt(v / u.c2) + u.eps) + u.decoupled * w);`,
);

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** AdamW: decay the weights directly (w −= lr·λ·w) instead of adding λ·w to the gradient. */
  decoupledWeightDecay?: boolean;
}

export class Adam extends Optimizer {
  constructor(
    groups: ParamGroup[] | Tensor[],
    readonly adam: AdamOptions,
  ) {
    super(groups, adam, ['adam.m', 'adam.v']);
  }

  protected update(p: Tensor, g: Tensor, lr: number, decay: number): void {
    const b1 = this.adam.beta1 ?? 0.9;
    const b2 = this.adam.beta2 ?? 0.999;
    const t = this.stepCount + 1;
    const u = new ArrayBuffer(48);
    const decoupled = this.adam.decoupledWeightDecay ?? false;
    new Float32Array(u, 4, 8).set([lr, b1, b2, this.adam.eps ?? 1e-8, decoupled ? 0 : decay, decoupled ? decay : 0, 1 - b1 ** t, 1 - b2 ** t]);
    dispatchUpdate('adam', p, ADAM_KERNELS, [g, this.stateFor('adam.m', p), this.stateFor('adam.v', p)], u);
  }
}
