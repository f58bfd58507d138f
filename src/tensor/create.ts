// Tensor creation on the current engine (set by init()).
import type { Engine } from './engine.js';
import { getEngine } from './context.js';
import { fromArray, full, randomNormal, randomUniform, type Tensor, type Shape } from './tensor.js';

export function tensor(data: ArrayLike<number>, shape: Shape = [data.length], name = ''): Tensor {
  return fromArray(getEngine(), data, shape, name);
}

export function zeros(shape: Shape, name = ''): Tensor {
  return full(getEngine(), shape, 0, name);
}

export function ones(shape: Shape, name = ''): Tensor {
  return full(getEngine(), shape, 1, name);
}

export function fullOf(shape: Shape, value: number, name = ''): Tensor {
  return full(getEngine(), shape, value, name);
}

export function randn(shape: Shape, opts: { seed: number; mean?: number; std?: number }, name = ''): Tensor {
  return randomNormal(getEngine(), shape, opts, name);
}

export function rand(shape: Shape, opts: { seed: number; low?: number; high?: number }, name = ''): Tensor {
  return randomUniform(getEngine(), shape, opts, name);
}

/** Turns a tensor into a trainable parameter: requires grad, never freed by a scope. */
export function asParameter(t: Tensor, name = t.name): Tensor {
  t.kind = 'parameter';
  t.requiresGrad = true;
  t.name = name;
  t.engine.untrack(t);
  return t;
}

export function parameter(data: ArrayLike<number>, shape: Shape, name: string): Tensor {
  return asParameter(tensor(data, shape, name), name);
}

export function tidy<T>(fn: () => T, engine: Engine = getEngine()): T {
  return engine.tidy(fn);
}

/** Removes a tensor from the enclosing scope so it outlives it. */
export function keep<T extends Tensor>(t: T): T {
  t.engine.untrack(t);
  return t;
}
