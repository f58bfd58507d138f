// Elementwise ops (add, sub, mul, scale, relu, ...) with their gradient rules.
import { record } from '../../autograd/graph.js';
import { map } from '../../tensor/map.js';
import type { Tensor } from '../../tensor/tensor.js';

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
