// The few tensor operations backward itself needs (raw maps from tensor/: no gradient rules).
import { copy, fill, mapInPlace } from '../tensor/map.js';
import { Tensor } from '../tensor/tensor.js';

/** existing + g, in place into existing when there is one (g is consumed). */
export function accumulateGrad(existing: Tensor | null | undefined, g: Tensor): Tensor {
  if (!existing) return g;
  mapInPlace('accumulateGrad', 'a + b', existing, g);
  g.dispose();
  return existing;
}

export function onesLike(t: Tensor): Tensor {
  const y = Tensor.empty(t.engine, t.shape, 'ones');
  fill(y, 1);
  return y;
}

export function clone(t: Tensor): Tensor {
  return copy(t);
}
