// Dropout with a counter-based mask: keep element i iff hash(seed, i) ≥ p·2³², scaled by 1/(1−p).
// The same seed gives the same mask in forward and backward, on every adapter, with nothing stored.
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { elementWorkgroups, perElementMain } from '../../tensor/kernel.js';
import { Tensor } from '../../tensor/tensor.js';

export interface DropoutOptions {
  p: number;
  seed: number;
  training: boolean;
}

function dropoutKernel(n: number, p: number): string {
  const threshold = Math.min(Math.floor(p * 2 ** 32), 2 ** 32 - 1);
  return /* wgsl */ `
struct Params { seed: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
// PCG-style integer hash (Jarzynski & Olano 2020).
fn hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
${perElementMain(
  n,
  `  let keep = hash(hash(u.seed) ^ i) >= ${threshold}u;
  Y[i] = select(0.0, X[i] * ${(1 / (1 - p)).toExponential(9)}, keep);`,
)}`;
}

function applyMask(op: string, x: Tensor, p: number, seed: number): Tensor {
  const y = Tensor.empty(x.engine, x.shape, op);
  x.engine.dispatch({
    op,
    kernel: { code: dropoutKernel(x.size, p) },
    bindings: [x.binding(op), y.binding(op)],
    uniforms: new Uint32Array([seed >>> 0, 0, 0, 0]),
    workgroups: elementWorkgroups(x.engine, x.size),
  });
  return y;
}

/** Identity unless training; then zeroes each element with probability p and scales the rest by 1/(1−p). */
export function dropout(x: Tensor, opts: DropoutOptions): Tensor {
  if (!(opts.p >= 0 && opts.p < 1)) throw new EngineError('dropout', `p must be in [0, 1), got ${opts.p}`);
  if (!opts.training || opts.p === 0) return x;
  const y = applyMask('dropout', x, opts.p, opts.seed);
  return record(y, 'dropout', [x], (dy) => [applyMask('dropoutGrad', dy, opts.p, opts.seed)]);
}
