// Reductions to one value: sum, mean, and Caffe's EuclideanLoss Σ(ŷ−y)²/(2N). Two passes with a
// fixed summation order (per-workgroup partials, then one lane adds them), so training is
// bit-for-bit reproducible.
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { elementWorkgroups, LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';
import { Tensor } from '../../tensor/tensor.js';

const CHUNK = 4096; // elements per first-pass lane group

/** First pass: lane l of workgroup g sums term(i) for i = g·CHUNK + l, l + 256, ... in order; then a fixed tree. */
function partialKernel(n: number, binary: boolean): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> A: array<f32>;
${binary ? '@group(0) @binding(2) var<storage, read> B: array<f32>;' : ''}
@group(0) @binding(${binary ? 3 : 2}) var<storage, read_write> P: array<f32>;
var<workgroup> tile: array<f32, 256>;
${LINEAR_WORKGROUP_ID}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = linear_workgroup_id(wg, nwg);
  var acc = 0.0;
  for (var k = 0u; k < ${CHUNK / 256}u; k++) {
    let i = g * ${CHUNK}u + k * 256u + lid;
    if (i < ${n}u) { ${binary ? 'let d = A[i] - B[i]; acc += d * d;' : 'acc += A[i];'} }
  }
  tile[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) { tile[lid] += tile[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { P[g] = tile[0]; }
}`;
}

function finalKernel(parts: number, factor: number): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(1)
fn main() {
  var acc = 0.0;
  for (var i = 0u; i < ${parts}u; i++) { acc += P[i]; }
  Y[0] = acc * ${factor.toExponential(9)};
}`;
}

/** factor · Σ term over all elements, into a [1] tensor. */
function reduce(op: string, a: Tensor, b: Tensor | null, factor: number): Tensor {
  const parts = Math.max(1, Math.ceil(a.size / CHUNK));
  const partial = Tensor.empty(a.engine, [parts], `${op} partial`);
  const bindings = b ? [a.binding(op), b.binding(op), partial.binding(op)] : [a.binding(op), partial.binding(op)];
  a.engine.dispatch({ op, kernel: { code: partialKernel(a.size, b !== null) }, bindings, workgroups: parts });
  const y = Tensor.empty(a.engine, [1], op);
  a.engine.dispatch({ op, kernel: { code: finalKernel(parts, factor) }, bindings: [partial.binding(op), y.binding(op)], workgroups: 1 });
  partial.dispose();
  return y;
}

/** dX[i] = factor · dy[0] · (A[i] − B[i]) (binary) or factor · dy[0] (unary). */
function broadcastGradKernel(n: number, binary: boolean, factor: number): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> DY: array<f32>;
${binary ? '@group(0) @binding(2) var<storage, read> A: array<f32>;\n@group(0) @binding(3) var<storage, read> B: array<f32>;' : ''}
@group(0) @binding(${binary ? 4 : 2}) var<storage, read_write> DX: array<f32>;
${perElementMain(n, `  DX[i] = DY[0] * ${factor.toExponential(9)} ${binary ? '* (A[i] - B[i])' : ''};`)}`;
}

function broadcastGrad(op: string, dy: Tensor, like: Tensor, factor: number, a?: Tensor, b?: Tensor): Tensor {
  const dx = Tensor.empty(like.engine, like.shape, `${op} grad`);
  const bindings = a && b ? [dy.binding(op), a.binding(op), b.binding(op), dx.binding(op)] : [dy.binding(op), dx.binding(op)];
  like.engine.dispatch({
    op: `${op}Grad`,
    kernel: { code: broadcastGradKernel(like.size, !!(a && b), factor) },
    bindings,
    workgroups: elementWorkgroups(like.engine, like.size),
  });
  return dx;
}

export function sum(x: Tensor): Tensor {
  return record(reduce('sum', x, null, 1), 'sum', [x], (dy) => [broadcastGrad('sum', dy, x, 1)]);
}

export function mean(x: Tensor): Tensor {
  return record(reduce('mean', x, null, 1 / x.size), 'mean', [x], (dy) => [broadcastGrad('mean', dy, x, 1 / x.size)]);
}

/** Caffe's EuclideanLoss: Σ(pred − target)² / (2N), N = pred.shape[0]. The target gets no gradient. */
export function l2Loss(pred: Tensor, target: Tensor): Tensor {
  const op = 'l2Loss';
  if (pred.size !== target.size || pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw new EngineError(op, `prediction ${pred.describe()} and target ${target.describe()} differ in shape`);
  }
  const n = pred.shape[0] ?? 1;
  const y = reduce(op, pred, target, 1 / (2 * n));
  return record(y, op, [pred, target], (dy, [p, t]) => [broadcastGrad(op, dy, p!, 1 / n, p!, t!), null], [pred, target]);
}
