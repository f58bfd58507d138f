// Elementwise maps without autograd: the kernels every layer above needs (gradient accumulation,
// optimizer state, and the ops in shaders/elementwise that add gradient rules on top).
import type { BufferBinding } from './engine.js';
import { EngineError } from './errors.js';
import { elementWorkgroups } from './kernel.js';
import { mapCount, mapKernel } from './map.wgsl.js';
import { Tensor } from './tensor.js';

function params(n: number, alpha = 0, beta = 0): ArrayBufferView {
  const buf = new ArrayBuffer(16);
  new Uint32Array(buf, 0, 1)[0] = n;
  new Float32Array(buf, 4, 2).set([alpha, beta]);
  return new Uint8Array(buf);
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new EngineError(op, `shapes differ: ${a.describe()} and ${b.describe()}`);
  }
  if (a.engine !== b.engine) throw new EngineError(op, 'tensors belong to different engines');
}

/** Dispatches the map over as many elements as `like` has, on its engine (bindings: the inputs, then the output). */
function dispatchMap(op: string, like: Tensor, expr: string, arity: 1 | 2, inPlace: boolean, bindings: BufferBinding[], alpha: number, beta: number): void {
  like.engine.dispatch({
    op,
    kernel: { code: mapKernel(like.size, arity, expr, inPlace) },
    bindings,
    uniforms: params(mapCount(like.size), alpha, beta),
    workgroups: elementWorkgroups(like.engine, mapCount(like.size)),
  });
}

/** y = expr(a[, b]) into a new tensor (records nothing for backward). */
export function map(op: string, expr: string, a: Tensor, b?: Tensor, alpha = 0, beta = 0): Tensor {
  if (b) sameShape(op, a, b);
  const y = Tensor.empty(a.engine, a.shape, op);
  const bindings = b ? [a.binding(op), b.binding(op), y.binding(op)] : [a.binding(op), y.binding(op)];
  dispatchMap(op, a, expr, b ? 2 : 1, false, bindings, alpha, beta);
  return y;
}

/** y = expr(y[, b]) in place (no autograd: for gradient accumulation and optimizers). */
export function mapInPlace(op: string, expr: string, y: Tensor, b?: Tensor, alpha = 0, beta = 0): void {
  if (b) sameShape(op, y, b);
  const bindings = b ? [b.binding(op), y.binding(op)] : [y.binding(op)];
  dispatchMap(op, y, expr, b ? 2 : 1, true, bindings, alpha, beta);
}

/** A copy with no graph history. */
export function copy(a: Tensor): Tensor {
  return map('copy', 'a', a);
}

export function fill(y: Tensor, value: number): void {
  mapInPlace('fill', 'T(alpha)', y, undefined, value);
}
