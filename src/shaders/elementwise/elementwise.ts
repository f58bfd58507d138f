// Elementwise ops (add, sub, mul, scale, relu, ...) with their gradient rules.
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { mapCount, mapKernel } from './map.wgsl.js';

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

/** y = expr(a[, b]) into a new tensor. */
function map(op: string, expr: string, a: Tensor, b?: Tensor, alpha = 0, beta = 0): Tensor {
  if (b) sameShape(op, a, b);
  const y = Tensor.empty(a.engine, a.shape, op);
  const bindings = b ? [a.binding(op), b.binding(op), y.binding(op)] : [a.binding(op), y.binding(op)];
  const { code, workgroups } = mapKernel(a.size, b ? 2 : 1, expr);
  a.engine.dispatch({ op, kernel: { code }, bindings, uniforms: params(mapCount(a.size), alpha, beta), workgroups });
  return y;
}

/** y = expr(y[, b]) in place (no autograd: for gradient accumulation and optimizers). */
export function mapInPlace(op: string, expr: string, y: Tensor, b?: Tensor, alpha = 0, beta = 0): void {
  if (b) sameShape(op, y, b);
  const bindings = b ? [b.binding(op), y.binding(op)] : [y.binding(op)];
  const { code, workgroups } = mapKernel(y.size, b ? 2 : 1, expr, true);
  y.engine.dispatch({ op, kernel: { code }, bindings, uniforms: params(mapCount(y.size), alpha, beta), workgroups });
}

export function add(a: Tensor, b: Tensor): Tensor {
  return record(map('add', 'a + b', a, b), 'add', [a, b], (dy) => [dy, dy]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return record(map('sub', 'a - b', a, b), 'sub', [a, b], (dy) => [dy, scale(dy, -1)]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  return record(map('mul', 'a * b', a, b), 'mul', [a, b], (dy, [sa, sb]) => [mul(dy, sb!), mul(dy, sa!)], [a, b]);
}

/** y = alpha · a */
export function scale(a: Tensor, alpha: number): Tensor {
  return record(map('scale', 'a * alpha', a, undefined, alpha), 'scale', [a], (dy) => [scale(dy, alpha)]);
}

/** y = a + alpha */
export function addScalar(a: Tensor, alpha: number): Tensor {
  return record(map('addScalar', 'a + alpha', a, undefined, alpha), 'addScalar', [a], (dy) => [dy]);
}

export function relu(a: Tensor): Tensor {
  const y = map('relu', 'max(a, T(0.0))', a);
  return record(y, 'relu', [a], (dy, [sy]) => [reluGrad(sy!, dy)], [y]);
}

/** dx = dy where y > 0 (y = relu output; also correct given the input, since both are positive at the same places). */
export function reluGrad(y: Tensor, dy: Tensor): Tensor {
  return map('reluGrad', 'select(T(0.0), b, a > T(0.0))', y, dy);
}

/** A copy with no graph history. */
export function copy(a: Tensor): Tensor {
  return map('copy', 'a', a);
}

export function fill(y: Tensor, value: number): void {
  mapInPlace('fill', 'T(alpha)', y, undefined, value);
}
